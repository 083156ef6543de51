"""Every product constant of Microsoft Defender for Cloud just-in-time (JIT) VM access, once, with its source.

Each value is a :class:`pim_sim.facts.Fact`. The ``note`` starts with the number of the fact in the
project's JIT fact sheet (``jit-vm-facts.md``) it rests on. ``documented=False`` marks a model
choice: a value that is unconfirmed, only in support self-help or community material, or disputed
between sources. The quiz never keys a question on those alone.
"""

from __future__ import annotations

from pim_sim.facts import ACTIVITY_LOG_RETENTION_MINUTES as _PIM_ACTIVITY_RETENTION
from pim_sim.facts import DAY, HOUR, LEARN, MINUTE, Fact

MDC = f"{LEARN}/azure/defender-for-cloud"
USAGE = f"{MDC}/just-in-time-access-usage"  # S1 "Enable just-in-time access"
OVERVIEW = f"{MDC}/just-in-time-access-overview"  # S2 "Just-in-time machine access"
REST = f"{LEARN}/rest/api/defenderforcloud/jit-network-access-policies"  # S6 ARM REST spec
OPERATIONS = f"{LEARN}/azure/role-based-access-control/permissions/security"  # S7
BUILT_IN_ROLES = f"{LEARN}/azure/role-based-access-control/built-in-roles/security"  # S8
LEAST_PRIVILEGE_SCRIPT = ("https://github.com/Azure/Microsoft-Defender-for-Cloud/tree/main/Powershell%20scripts/"
                          "JIT%20Scripts/JIT%20Custom%20Role")  # S9
RECOMMENDATIONS = f"{MDC}/recommendations-reference-networking"  # S10
BUILT_IN_POLICY = ("https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/"
                   "Security%20Center/ASC_JITNetworkAccess_Audit.json")  # S11
RELEASE_NOTES = f"{MDC}/release-notes-archive"  # S12
SUPPORT_MATRIX = f"{MDC}/support-matrix-defender-for-servers"  # S13
ACTIVITY_LOG = f"{LEARN}/azure/azure-monitor/platform/activity-log"  # S16
AZURE_ACTIVITY_QUERIES = f"{LEARN}/azure/azure-monitor/reference/queries/azureactivity"  # S17
SELF_HELP = ("https://github.com/TheresaLui/SelfHelpContent_v2/blob/master/articles/stscopingqstn.security-center/"
             "security-center-configuring-features-jit-access.md")  # S18a (support self-help, not product docs)
COMMUNITY_PRIORITY = "https://github.com/MicrosoftDocs/azure-docs/issues/122814"  # S27b
ARCHITECTURE = f"{LEARN}/azure/architecture/solution-ideas/articles/multilayered-protection-azure-vm"  # S22
NSG_OVERVIEW = f"{LEARN}/azure/virtual-network/network-security-groups-overview"
NSG_HOW = f"{LEARN}/azure/virtual-network/network-security-group-how-it-works"
NSG_FIREWALL_ISSUE = "https://github.com/MicrosoftDocs/azure-docs/issues/46777"  # S27d

# --- Prerequisites and support (facts 1-10, 82) --------------------------------------------------------------
PLAN_REQUIRED = Fact("Plan 2", USAGE, note="Fact 1: JIT needs Microsoft Defender for Servers Plan 2 on the "
                     "subscription; Plan 1 doesn't include it.")
PLAN_DOESNT_ENABLE = Fact(True, USAGE, note="Fact 4: turning Plan 2 on configures JIT on no VM; it is enabled per VM.")
CLASSIC_UNSUPPORTED = Fact("Classic VM", USAGE, note="Facts 5, 6, 82: only Resource Manager VMs are supported; "
                           "the Unsupported tab gives the reason 'Classic VM'.")
FIREWALL_MANAGER_UNSUPPORTED = Fact(
    "VM protected by an Azure Firewall controlled by Azure Firewall Manager", USAGE,
    note="Fact 6: VMs behind an Azure Firewall controlled by Firewall Manager (firewall policies) aren't "
    "supported; the firewall must use Rules (Classic).")
FIREWALL_SAME_VNET = Fact(True, USAGE, note="Facts 5, 7: JIT works with an Azure Firewall on the same VNet as the "
                          "VM; VMs reached through VNet peering aren't fully protected. The model counts a firewall in "
                          "another VNet as no firewall.")
ARC_UNSUPPORTED = Fact("Azure Arc-enabled server", SUPPORT_MATRIX,
                       note="Fact 8: JIT is supported for Azure VMs and VM Scale Sets (Flexible orchestration), "
                       "not for Azure Arc-enabled servers.")
MISSING_NSG_OR_FIREWALL = Fact("Missing network security group (NSG) or Azure Firewall", USAGE,
                               note="Facts 9, 82: a VM with neither an NSG nor an Azure Firewall is Unsupported.")
DISABLED_IN_SECURITY_POLICY = Fact(
    "Other - The JIT solution is disabled in the security policy of the subscription or the resource group", USAGE,
    note="Fact 82: the third Unsupported reason the JIT page gives.")
PLAN_MISSING_STATE = Fact(
    "Microsoft Defender for Servers Plan 2 is not enabled on the subscription", USAGE, documented=False,
    note="Facts 1, 82: Plan 2 is required, but Learn doesn't say on which tab, if any, a VM of a subscription "
    "without it appears. The model lists it as Unsupported with this reason.")

# --- Enabling (facts 11-38) ------------------------------------------------------------------------------------
PROPOSED_PORTS = Fact((22, 3389, 5985, 5986), USAGE,
                      note="Fact 11: 'Enable JIT on VMs' in Defender for Cloud proposes 22 (SSH), 3389 (RDP), "
                      "5985 and 5986 (WinRM).")
PROPOSED_PROTOCOL = Fact("*", REST, documented=False,
                         note="Facts 12, 17: the protocol of a proposed port is editable; the default shown is not "
                         "stated in the text. The model proposes '*' (All), as the REST examples use.")
VM_BLADE_PORT = Fact({"Windows": 3389, "Linux": 22}, USAGE,
                     note="Fact 13: VM > Configuration > 'Enable just-in-time' opens RDP 3389 on Windows, SSH 22 on "
                     "Linux, 'Maximum allowed access: 3 hours', 'Allowed source IP addresses: Any'.")
DEFAULT_MAX_MINUTES = Fact(3 * HOUR, USAGE, note="Fact 14: the default maximum request time is 3 hours (PT3H).")
MAX_DURATION_RANGE_MINUTES = Fact((5 * MINUTE, 1 * DAY), REST,
                                  note="Fact 15: maxRequestAccessDuration is at least 5 minutes and at most 1 day.")
PROTOCOLS = Fact(("TCP", "UDP", "*"), REST, note="Fact 17: port protocols are TCP, UDP and * (All).")
PORT_RANGE = Fact((0, 65535), REST, note="Fact 31: a port number is 0 to 65535.")
SOURCE_FIELDS_EXCLUSIVE = Fact(True, REST, note="Fact 16: allowedSourceAddressPrefix and "
                               "allowedSourceAddressPrefixes are mutually exclusive.")
NAME_LIMIT = Fact(56, USAGE, note="Fact 18: the policy name plus the VM name must not exceed 56 characters.")
CONFIGURE_ACTIONS = Fact(("Microsoft.Security/locations/jitNetworkAccessPolicies/write",
                          "Microsoft.Compute/virtualMachines/write"), USAGE,
                         note="Fact 35: configuring or editing a JIT policy needs both actions.")
POLICY_TYPE = Fact("Microsoft.Security/locations/jitNetworkAccessPolicies", REST,
                   note="Fact 28: the policy's resource type, resource-group scoped.")
POLICY_DEFAULT_NAME = Fact("default", USAGE, note="Fact 32: one policy holds many VMs; Learn's examples name it "
                           "'default'.")
POLICY_KIND = Fact("Basic", REST, note="Fact 29: kind 'Basic' in the examples.")
PUT_OVERWRITES = Fact(True, REST, documented=False,
                      note="Fact 32 (support self-help): Set-AzJitNetworkAccessPolicy / PUT overwrites the named "
                      "policy, so every VM must be passed each time. The portal paths merge one VM into it.")
DENY_RULES_WRITTEN = Fact(True, OVERVIEW, note="Fact 20: enabling JIT makes Defender for Cloud ensure 'deny all "
                          "inbound traffic' rules exist for the selected ports in the NSG and Azure Firewall rules.")
EXISTING_RULES_KEEP_PRIORITY = Fact(
    True, OVERVIEW,
    note="Fact 21: if other rules already exist for the selected ports, those rules take priority over the new "
    "deny rules; if none exist, the deny rules take top priority. (Fact 22 ✱: a 2026 training unit says existing "
    "allow rules are overridden; the model follows the product article.)")
DENY_PRIORITY_BASE = Fact(1000, COMMUNITY_PRIORITY, documented=False,
                          note="Facts 23, 24: exact priorities are undocumented (self-help: 'usually > 1000'; one "
                          "community report saw 1000, another 4096). With no existing rule on the ports the model "
                          "puts the deny rule at the first free priority from 1000; otherwise just below the "
                          "lowest-priority existing rule on those ports.")
ONE_DENY_RULE_PER_VM = Fact(True, SELF_HELP, documented=False,
                            note="Fact 23 (self-help): one deny rule per VM covering all policy ports, destination "
                            "the VM's private IP.")
RULE_NAME = Fact("MicrosoftDefenderForCloud-JITRule", RELEASE_NOTES,
                 note="Fact 25: NSG rule names since May 2023 (previously SecurityCenter-JITRule).")
RULE_DESCRIPTION = Fact("MDC JIT Network Access rule", RELEASE_NOTES, note="Fact 25: the NSG rule description.")
FIREWALL_COLLECTION = Fact("MDC-JIT", RELEASE_NOTES, note="Fact 25: firewall rule collection and rule names.")
DENY_ALLOW_NAME_FORMS = Fact(("_", "-"), SELF_HELP, documented=False,
                             note="Fact 26 (self-help): deny rules are named with '_' after the prefix, allow rules "
                             "with '-'.")
CLEANUP = Fact(True, RELEASE_NOTES, note="Fact 27: on every policy update a cleaner removes redundant built-in JIT "
               "rules (a duplicate lower-priority rule; a rule whose description names a VM that doesn't match the "
               "destination IP); it never deletes rules you created.")
REMOVED_PORT_STAYS_BLOCKED = Fact(True, USAGE, documented=False,
                                  note="Fact 38 and open question 8: what happens to the NSG when a port or VM leaves "
                                  "the policy is unconfirmed. The model leaves the rules as they are.")

# --- Requesting (facts 39-65) ----------------------------------------------------------------------------------
INITIATE_ACTION = "Microsoft.Security/locations/jitNetworkAccessPolicies/initiate/action"
READ_ACTION = "Microsoft.Security/locations/jitNetworkAccessPolicies/read"
REQUEST_ACTIONS = Fact((INITIATE_ACTION, "Microsoft.Security/locations/jitNetworkAccessPolicies/*/read",
                        "Microsoft.Compute/virtualMachines/read", "Microsoft.Network/networkInterfaces/*/read",
                        "Microsoft.Network/publicIPAddresses/read"), USAGE,
                       note="Facts 40, 41: the current Learn table of the minimum actions to request access.")
RBAC_CHECK = Fact(INITIATE_ACTION, OVERVIEW,
                  note="Fact 39: Defender for Cloud checks the requester's RBAC permissions for that VM; the request "
                  "is the initiate action (fact 71).")
INITIATE_ONLY_CHECK = Fact(
    True, SELF_HELP, documented=False,
    note="Fact 45 and open question 9: support self-help says Security Admin (which has Microsoft.Security/* but "
    "no Microsoft.Compute/*/read) can request; Learn's table also lists the reads. The model's default check is "
    "the initiate action on the VM (API and PowerShell); strict=True applies Learn's whole table (fact 40).")
VIEW_ACTION = Fact(READ_ACTION, USAGE, note="Facts 19, 42: Reader and Security Reader can view JIT status and "
                   "parameters (the policies' read action).")
NO_APPROVAL = Fact(True, OVERVIEW, note="Fact 49: JIT VM access has no approver or approval workflow; "
                   "'approved' means the RBAC check and the policy limits passed. Approval is added by putting the "
                   "requester's role behind PIM activation with approval (S22, fact 95).")
NOT_CONFIGURED = Fact(True, USAGE, note="Facts 4, 33, 56: access is requested from the Configured tab or through "
                      "the policy's Initiate; a VM not in a JIT policy has nothing to request.")
PORTS_IN_POLICY = Fact(True, USAGE, note="Fact 50: a request can open only ports configured in the policy, each "
                       "for at most that port's maximum request time.")
SOURCE_WITHIN_RANGE = Fact(True, SELF_HELP, documented=False,
                           note="Fact 51 and open question 7: the requested source must lie inside the port's "
                           "allowed range (self-help); whether a narrower CIDR inside a wider one is accepted is "
                           "unconfirmed. The model accepts any source contained in an allowed prefix.")
OMITTED_SOURCE_IS_CALLER = Fact(True, REST, note="Fact 53: if allowedSourceAddressPrefix is omitted the request is "
                                "for the source IP address of the initiate request ('My IP', fact 55).")
ALLOW_ABOVE_DENY = Fact(True, ARCHITECTURE, note="Fact 48: the allow rule gets a higher priority than the deny rule.")
ALLOW_PRIORITY_BASE = Fact(100, SELF_HELP, documented=False,
                           note="Fact 48 (self-help): allow rules 'usually at 100-110', destination the VM's private "
                           "IP. The model uses the first free priority from 100 that is above the deny rule.")
NEWER_SUPERSEDES = Fact(True, REST, documented=False,
                        note="Facts 61, 62 and open question 4: the statusReason NewerRequestInitiated implies a newer "
                        "request for the same VM port revokes the older grant; the model applies it to any requester.")
REQUEST_ALL_OR_NOTHING = Fact(True, REST, documented=False,
                              note="Fact 58: a request is validated against the policy. Whether a request with one "
                              "invalid port opens the others is unconfirmed; the model refuses the whole request.")
EXPIRY_RESTORES = Fact(True, OVERVIEW, note="Fact 63: when the time expires Defender for Cloud restores the NSGs to "
                       "their previous states; connections already established aren't interrupted. Fact 64: for Azure "
                       "Firewall the firewall rules are restored too.")
STATUSES = Fact(("Initiated", "Revoked"), REST, note="Fact 61: a requested port's status.")
STATUS_REASONS = Fact(("Expired", "UserRequested", "NewerRequestInitiated"), REST,
                      note="Fact 61: a requested port's statusReason. The model writes Initiated/UserRequested when "
                      "the port opens, Revoked/Expired at its end and Revoked/NewerRequestInitiated when superseded.")
EARLY_REVOKE = Fact(False, REST, documented=False, note="Fact 65: no REST revoke operation exists; the model offers "
                    "none.")
MAPPED_PORT_BASE = Fact(50000, USAGE, documented=False,
                        note="Fact 59: behind Azure Firewall the user gets the DNAT port mapping (mappedPort); how it "
                        "is chosen is undocumented. The model numbers mapped ports from 50000.")
FIREWALL_SNAT_SOURCE = Fact(True, NSG_FIREWALL_ISSUE, documented=False,
                            note="Fact 68 (docs issue): behind Azure Firewall the VM's NSG sees the firewall's address "
                            "as the source, so an NSG rule with the requester's source may not match.")

# --- Auditing (facts 69-77) ------------------------------------------------------------------------------------
INITIATE_OPERATION = Fact("Initiate JIT Network Access Policy", AZURE_ACTIVITY_QUERIES,
                          note="Fact 72: the Activity Log operation name of a request; Microsoft's example query "
                          "filters on it with ActivityStatus 'Started'. Fact 71: the operation value is the "
                          "initiate action.")
SUCCEEDED_FOLLOW_UP = Fact(True, AZURE_ACTIVITY_QUERIES, documented=False,
                           note="Model implications: a Succeeded (or Failed) entry after the Started one is assumed, "
                           "not documented.")
WRITE_OPERATION = Fact("Create or Update JIT Network Access Policy", OPERATIONS, documented=False,
                       note="Fact 73: the write action is documented; this display name is a community note (S30c).")
DELETE_OPERATION = Fact("Delete JIT Network Access Policy", OPERATIONS, documented=False,
                        note="Facts 73, 74 ✱: the delete action is documented; the display name is not.")
NSG_RULE_OPERATION = Fact("Create or Update Security Rule", COMMUNITY_PRIORITY, documented=False,
                          note="Facts 24, 75: the NSG writes are made by Defender for Cloud's app identity; whether "
                          "and how they are logged is open question 5.")
RESOURCE_PROVIDER_CALLER = Fact("Windows Azure Security Resource Provider", COMMUNITY_PRIORITY, documented=False,
                                note="Facts 24, 75 (community): the identity that makes the NSG changes.")
ACTIVITY_RETENTION_MINUTES = Fact(90 * DAY, ACTIVITY_LOG, note="Fact 76: activity-log events are kept 90 days; a "
                                  "diagnostic setting exports them for longer.")
assert ACTIVITY_RETENTION_MINUTES.value == _PIM_ACTIVITY_RETENTION.value  # one Activity Log, one retention
ACTIVITY_DELAY_MINUTES = Fact((3.0, 20.0), ACTIVITY_LOG, note="Fact 76: entries usually appear 3 to 20 minutes "
                              "after the event. The model draws each delay uniformly from that range.")
ACTIVITY_READERS = Fact(("Reader", "Security Reader", "Security Admin", "Contributor", "Owner"), ACTIVITY_LOG,
                        documented=False,
                        note="Anyone with read access to the subscription reads its Activity Log; the list names the "
                        "roles of this model that have read access (Security Reader and Security Admin through "
                        "Microsoft.Security read; whether they read other providers' events is not stated).")
FAILED_REQUEST_LOGGED = Fact(True, SELF_HELP, documented=False,
                             note="Fact 77 (self-help): 'check the user permissions and the Activity Log for errors'. "
                             "The model logs a refused request as a Failed initiate entry.")

# --- Recommendation (facts 78-85) ------------------------------------------------------------------------------
RECOMMENDATION = Fact("Management ports of virtual machines should be protected with just-in-time network access "
                      "control", RECOMMENDATIONS, note="Fact 78: the recommendation's name; severity High.")
RECOMMENDATION_SEVERITY = Fact("High", RECOMMENDATIONS, note="Fact 78.")
ASSESSMENT_KEY = Fact("805651bc-6ecd-4c73-9b55-97a19d0582d0", BUILT_IN_POLICY, note="Fact 80: the assessment the "
                      "built-in policy b0f33259-77d7-4c9e-aac6-3aabcfae693c (AuditIfNotExists) reads.")
RECOMMENDATION_MAPPING = Fact(
    ("Healthy", "Unhealthy", "NotApplicable"), OVERVIEW, documented=False,
    note="Facts 79, 81, 83: Configured -> Healthy; Not configured with an open management port -> Unhealthy; "
    "Unsupported or no open management port -> NotApplicable. The exact logic is only in a flow chart; the "
    "model re-evaluates at every change (the refresh interval is unconfirmed).")
MANAGEMENT_PORTS = Fact((22, 3389, 5985, 5986), USAGE, documented=False,
                        note="Fact 79: the recommendation fires only for open management ports; the model uses the "
                        "ports Defender for Cloud proposes (fact 11) as the management ports.")
INTERNET_PROBE = Fact("203.0.113.10", NSG_OVERVIEW, documented=False,
                      note="A representative internet address (TEST-NET-3) the model uses to ask whether 'any' "
                      "or 'Internet' sources reach a port.")

# --- Network security groups (Azure Virtual Network) ----------------------------------------------------------
NSG_PRIORITY_RANGE = Fact((100, 4096), NSG_OVERVIEW, note="A rule's priority is 100 to 4096; lower numbers are "
                          "processed first; once traffic matches a rule processing stops; two rules can't share a "
                          "priority and direction.")
NSG_DEFAULT_INBOUND = Fact((("AllowVnetInBound", 65000, "VirtualNetwork", "Allow"),
                            ("AllowAzureLoadBalancerInBound", 65001, "AzureLoadBalancer", "Allow"),
                            ("DenyAllInBound", 65500, "*", "Deny")), NSG_OVERVIEW,
                           note="The default inbound rules Azure creates in every NSG.")
NSG_INBOUND_ORDER = Fact(("subnet", "nic"), NSG_HOW,
                         note="Inbound, Azure processes the subnet's NSG first, then the NIC's; both must allow. A "
                         "subnet or NIC without an NSG lets all traffic through.")
NSG_EXISTING_CONNECTIONS = Fact(True, NSG_OVERVIEW, note="Removing a rule that allowed a connection leaves existing "
                                "connections uninterrupted; rules affect new connections only.")
AZURE_LOAD_BALANCER_IP = "168.63.129.16"
