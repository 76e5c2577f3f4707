// Filled in by the volumes domain: its tables, as one SQL script.
export default /* sql */ ``;
