// Filled in by the users domain: its tables, as one SQL script.
export default /* sql */ ``;
