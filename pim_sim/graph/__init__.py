"""Microsoft Graph's vocabulary for PIM (rule ids, types, targets), its reader (policy and request
JSON in) and its writer (policies, requests and refusals out, in Graph's shape)."""
