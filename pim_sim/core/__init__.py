"""The core: the kernel (clock, randomness, record streams, indexes, the surface features use) and
PIM's own rules in layers (assignments, activation, updates), with the domain records they share
(tenant, roles, policy, schedules, requests, approvals, audit, access, licensing).

The core imports no feature and nothing above it (import-linter contracts in pyproject.toml)."""
