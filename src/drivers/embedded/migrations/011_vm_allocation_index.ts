// A node's allocated vCPUs and memory are sums over its VMs, read with every node. Covering the
// columns those sums read keeps them inside the index (no table lookup per VM); the index also
// serves every `node = ?` lookup the one it replaces did.
export default /* sql */ `
CREATE INDEX vms_node_allocation ON vms(node, state, vcpus, memory_mib);
DROP INDEX vms_node;
`;
