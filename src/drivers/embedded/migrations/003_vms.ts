// Filled in by the vms domain: its tables, as one SQL script.
export default /* sql */ ``;
