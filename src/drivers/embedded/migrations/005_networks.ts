// Filled in by the networks domain: its tables, as one SQL script.
export default /* sql */ ``;
