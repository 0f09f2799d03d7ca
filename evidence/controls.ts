// The controls the report claims, in one list: the access controls (the opening bullets of the
// project's front page), then every control row of the docs (docs/guardrails.md's tables), each with where it is implemented, the CIS AWS Foundations
// (v1.4.0) and SOC 2 (2017 TSC) items it serves, whether the planned stacks configure it, and the
// exceptions it makes, stated next to the claim. test/evidence/report.spec.ts checks that every
// control row of the docs is here, word for word, so the report never claims less or other than
// the docs.
/** An optional part of the program: the report says whether the planned stacks configure it. */
export type Feature =
    | "guardrails"
    | "regions"
    | "rcps"
    | "rootAccess"
    | "accessAnalyzer"
    | "identityCenter"
    | "breakGlass"
    | "incidentResponse";

/** Who decides a control: the workload stacks, the security stack, or the policy pack. */
export type Owner = "workload" | "security" | "pack";

export interface Control {
    /** The control, worded as the docs word it. */
    readonly control: string;
    /** The resource, statement or module that implements it. */
    readonly where: string;
    readonly cis: string;
    readonly soc2: string;
    readonly owner: Owner;
    /** Set for the optional parts: whether the planned stacks configure it. */
    readonly feature?: Feature;
}

/** Whether a control claims CIS 1.16 (no full-admin policies): the report states the break-glass exemption beside it. */
export const claimsCis116 = (c: Control) => /(^|[^\d.])1\.16(?!\d)/.test(c.cis);

export interface ControlSection {
    readonly title: string;
    readonly controls: readonly Control[];
}

/**
 * What the pack config exempts from its admin checks (CIS 1.16), by name: the break-glass roles
 * of `iam-no-admin-grants` and `iam-no-admin-principals`, the break-glass permission sets, and the
 * customer-managed policies `breakGlassPolicies` lets through the document check.
 */
export interface AdminExemptions {
    readonly roles: readonly string[];
    readonly permissionSets: readonly string[];
    readonly policies?: readonly string[];
}

/**
 * The exceptions to CIS 1.16, stated beside every row that claims it: the names the pack config
 * exempts from its admin checks, and the active suppressions of those checks (`suppressed`, each
 * already written as "`resource` (policy, until date: reason)"). An accepted admin grant is an
 * exception an auditor must see where the claim is, not only in the suppressions table.
 */
export function breakGlassException(
    exemptions: AdminExemptions,
    suppressed: readonly string[] = [],
): string {
    const exempt = [
        ...exemptions.roles.map((r) => `role \`${r}\``),
        ...exemptions.permissionSets.map((p) => `permission set \`${p}\``),
        ...(exemptions.policies ?? []).map((p) => `policy \`${p}\``),
    ];
    const keys = [
        "breakGlassRoles",
        "breakGlassPermissionSets",
        ...((exemptions.policies ?? []).length > 0 ? ["breakGlassPolicies"] : []),
    ];
    const exception =
        exempt.length === 0
            ? suppressed.length === 0
                ? "no exception: the pack config exempts no break-glass role or permission set"
                : "the pack config exempts no break-glass role or permission set"
            : `**except break-glass**: ${exempt.join(", ")} ${exempt.length === 1 ? "is" : "are"} full administrator by design, exempted by name in the pack config (${keys.join(", ")})`;
    return suppressed.length === 0
        ? exception
        : `${exception}; **suppressed** (accepted violations of the admin checks): ${suppressed.join(", ")}`;
}

/** A control of one owner: the security stack, the workload stacks or the pack. */
const ownedBy =
    (owner: Control["owner"]) =>
    (control: string, where: string, cis: string, soc2: string, feature?: Feature): Control => ({
        control,
        where,
        cis,
        soc2,
        owner,
        ...(feature ? { feature } : {}),
    });
const c = ownedBy("security");
const w = ownedBy("workload");
const p = ownedBy("pack");

export const CONTROL_SECTIONS: readonly ControlSection[] = [
    {
        title: "Access",
        controls: [
            w(
                "Audit role in every workload account: read-only `SecurityAuditRole`, trusted only by the security account's designated principals",
                "`components/auditRole.ts`; trust policy",
                "–",
                "CC6.1, CC6.2",
            ),
            w(
                "Humans assume it with MFA, present and recent (`auditRole.mfaMaxAgeSeconds`)",
                "trust `aws:MultiFactorAuthPresent`, `aws:MultiFactorAuthAge`; pack `iam-trust-requires-mfa`",
                "1.10",
                "CC6.6",
            ),
            w(
                "Programs assume it with their exact ExternalId",
                "trust `sts:ExternalId`",
                "–",
                "CC6.6",
            ),
            w(
                "Sessions last one hour at most",
                "`maxSessionDuration` 3600; pack `iam-role-session-cap`",
                "–",
                "CC6.1",
            ),
            w(
                "Explicit Deny on IAM writes, data reads and CloudShell",
                "inline policy `org-access-explicit-deny`",
                "–",
                "CC6.3",
            ),
            w(
                "No wildcard principal in any trust",
                "pack `iam-no-wildcard-principal`",
                "–",
                "CC6.1",
            ),
            c(
                "Humans are IAM users in groups, with no access keys and no policies of their own; programs have no console password",
                "security stack: auditors and reporters groups; no `aws.iam.AccessKey`",
                "1.11, 1.15",
                "CC6.2",
            ),
            c(
                "Deny everything without MFA to people of the security account",
                "group policy",
                "1.10",
                "CC6.1",
            ),
            c(
                "Password policy: at least 14 characters, no reuse of the last 24",
                "account password policy of the security account",
                "1.8, 1.9",
                "CC6.1",
            ),
            p(
                "No policies that allow full administrative privileges",
                "pack `iam-no-admin-grants`, `iam-no-admin-principals`",
                "1.16",
                "CC6.3",
            ),
            p(
                "Policy pack gate: every mandatory policy passes before a deploy (`pulumi preview --policy-pack policypack`, and the offline plan)",
                "`policypack/`",
                "–",
                "CC8.1",
            ),
        ],
    },
    {
        title: "Guardrails and detection",
        controls: [
            c(
                "Deny every action by the root user of member accounts, except centralized-root sessions (`aws:AssumedRoot`)",
                "SCP `org-access-baseline`, `DenyRootUser`; `components/guardrails.ts`",
                "1.7",
                "CC6.1, CC6.3",
                "guardrails",
            ),
            c(
                "Deny `organizations:LeaveOrganization`",
                "SCP `org-access-baseline`, `DenyLeavingOrganization`; `components/guardrails.ts`",
                "–",
                "CC6.1, CC8.1",
                "guardrails",
            ),
            c(
                'No member account may stop, delete or update the trail (the management account: see "What protects the trail" in docs/guardrails.md)',
                "SCP `org-access-baseline`, `ProtectTrail`; `components/guardrails.ts`",
                "3.1",
                "CC7.2",
                "guardrails",
            ),
            c(
                "Nobody may delete the log bucket or logs; only `OrgAccessLogArchiveAdmin` may reconfigure it (policy, lifecycle, ...)",
                "SCP `DenyLogDeletion`, `ProtectLogBucket`; `components/guardrails.ts`",
                "3.3",
                "CC7.2, A1.2",
                "guardrails",
            ),
            c(
                "Nobody may disable or schedule deletion of the log key; only `OrgAccessLogArchiveAdmin` may change its policy & its grants",
                "SCP `DenyLogKeyDeletion`, `ProtectLogKey`; `components/guardrails.ts`",
                "3.7",
                "CC6.1, CC7.2",
                "guardrails",
            ),
            c(
                "Log versions locked (S3 Object Lock, COMPLIANCE) for `trail.objectLockRetentionDays`, set when the bucket is created",
                "`org-trail-bucket-object-lock`; `components/orgTrail.ts`",
                "–",
                "CC7.2, A1.2",
            ),
            c(
                "Bucket and key policies deny bucket settings and key-policy changes to all but `OrgAccessLogArchiveAdmin`, SCP or not",
                "`OnlyLogArchiveAdmin*` statements; `components/orgTrailPolicies.ts`",
                "–",
                "CC6.1, CC7.2",
            ),
            c(
                "Trail, bucket and its settings, keys, log group, delivery role: `protect` and `retainOnDelete`",
                "Pulumi resource options, in the plan's `options`; `components/orgTrail.ts`",
                "–",
                "CC7.2, A1.2",
            ),
            c(
                "CloudWatch Logs copy encrypted with a rotating key that only CloudWatch Logs may use, for this log group",
                "`org-trail-logs-key`; `components/orgTrail.ts`",
                "–",
                "CC6.1",
            ),
            c(
                "Log-archive admin: break-glass users only, fresh MFA, one hour; the bucket's settings and the log key's policy only",
                "`OrgAccessLogArchiveAdmin`; `components/logArchiveAdmin.ts`",
                "–",
                "CC6.1, CC6.3",
                "breakGlass",
            ),
            c(
                "Only `OrgAccessLogArchiveAdmin` may change itself: not even the deploy roles, which CI can reach",
                "SCP `ProtectLogArchiveAdmin`; `components/guardrails.ts`",
                "–",
                "CC6.3, CC8.1",
                "guardrails",
            ),
            c(
                "No IAM users or access keys in workload accounts, except through the deploy role",
                "SCP `org-access-no-long-lived-credentials`; `components/guardrails.ts`",
                "1.12–1.14",
                "CC6.1, CC6.2",
                "guardrails",
            ),
            c(
                "Only deploy and StackSet execution roles may change or create org-access's roles (audit, duty, CI, deploy, preview)",
                "SCP `org-access-roles`, `ProtectOrgAccessRoles`; `components/guardrails.ts`",
                "–",
                "CC6.3, CC8.1",
                "guardrails",
            ),
            c(
                "A quarantined principal can do nothing; only duty/deploy roles may tag (any case); no session tag; infrastructure exempt",
                "SCP `org-access-roles`, `DenyQuarantinedPrincipals` etc; `components/guardrails.ts`",
                "–",
                "CC7.4",
                "guardrails",
            ),
            c(
                "Isolation security groups get no rule except through break-glass; only duty roles may set or remove `org-access-isolation`",
                "SCP `KeepIsolationGroupsClosed`, `ProtectIsolationTag`; `components/guardrails.ts`",
                "–",
                "CC7.4",
                "guardrails",
            ),
            c(
                "Only allowed regions (optional); AWS's current global services, break-glass and deploy roles exempt",
                "SCP `org-access-regions`; `components/guardrails.ts`",
                "–",
                "CC6.1",
                "regions",
            ),
            c(
                "Data perimeter (optional): only the organization and named partners reach the `services` (`components/rcpServices.ts`)",
                "RCP `org-access-perimeter`; `components/resourceControls.ts`",
                "–",
                "CC6.1, CC6.6",
                "rcps",
            ),
            c(
                "AWS services reach those resources only for the organization or its partners (`aws:SourceOrgID`, `aws:SourceAccount`)",
                "RCP `EnforceConfusedDeputyProtection`; `components/resourceControls.ts`",
                "–",
                "CC6.1, CC6.6",
                "rcps",
            ),
            c(
                "Log objects and the log key: only CloudTrail for this trail and the log-archive administrators, management account included",
                "RCP `org-access-trail-logs`; `components/resourceControls.ts`",
                "3.3, 3.7",
                "CC6.1, CC7.2",
                "rcps",
            ),
            c(
                "Alarm: unauthorized API calls (CIS 1.4+ form: not HeadBucket, not log delivery)",
                "`org-access-unauthorized-api-calls`; `components/detection.ts`",
                "4.1",
                "CC7.2",
            ),
            c(
                "Alarm: console sign-in without MFA",
                "`org-access-console-signin-without-mfa`; `components/detection.ts`",
                "4.2",
                "CC7.2",
            ),
            c(
                "Alarm: root usage",
                "`org-access-root-usage`; `components/detection.ts`",
                "4.3",
                "CC7.2",
            ),
            c(
                "Alarm: IAM policy changes",
                "`org-access-iam-policy-changes`; `components/detection.ts`",
                "4.4",
                "CC7.2, CC8.1",
            ),
            c(
                "Alarm: CloudTrail configuration changes",
                "`org-access-cloudtrail-changes`; `components/detection.ts`",
                "4.5",
                "CC7.2",
            ),
            c(
                "Alarm: console authentication failures",
                "`org-access-console-auth-failures`; `components/detection.ts`",
                "4.6",
                "CC7.2",
            ),
            c(
                "Alarm: CMKs disabled or scheduled for deletion",
                "`org-access-cmk-disabled-or-deleted`; `components/detection.ts`",
                "4.7",
                "CC7.2",
            ),
            c(
                "Alarm: S3 bucket policy changes",
                "`org-access-s3-bucket-policy-changes`; `components/detection.ts`",
                "4.8",
                "CC7.2",
            ),
            c(
                "Alarm: AWS Config changes",
                "`org-access-config-changes`; `components/detection.ts`",
                "4.9",
                "CC7.2",
            ),
            c(
                "Alarm: security group changes",
                "`org-access-security-group-changes`; `components/detection.ts`",
                "4.10",
                "CC7.2",
            ),
            c(
                "Alarm: NACL changes",
                "`org-access-nacl-changes`; `components/detection.ts`",
                "4.11",
                "CC7.2",
            ),
            c(
                "Alarm: network gateway changes",
                "`org-access-network-gateway-changes`; `components/detection.ts`",
                "4.12",
                "CC7.2",
            ),
            c(
                "Alarm: route table changes",
                "`org-access-route-table-changes`; `components/detection.ts`",
                "4.13",
                "CC7.2",
            ),
            c(
                "Alarm: VPC changes",
                "`org-access-vpc-changes`; `components/detection.ts`",
                "4.14",
                "CC7.2",
            ),
            c(
                "Alarm: AWS Organizations changes",
                "`org-access-organizations-changes`; `components/detection.ts`",
                "4.15",
                "CC7.2, CC8.1",
            ),
            c(
                "Alarm: a denied `AssumeRole` (`errorCode` AccessDenied)",
                "`org-access-failed-assume-role`; `components/detection.ts`",
                "–",
                "CC7.2",
            ),
            c(
                "Alarm: any `AssumeRole` of `BreakGlassRole` or `OrgAccessLogArchiveAdmin`, successful or not",
                "`org-access-break-glass-assume-role`; `components/detection.ts`",
                "–",
                "CC6.2, CC7.3",
                "breakGlass",
            ),
            c(
                "Alarm: any `sts:AssumeRoot` (a privileged root session in a member account), successful or not",
                "`org-access-assume-root`; `components/detection.ts`",
                "1.7",
                "CC6.2, CC7.3",
                "rootAccess",
            ),
            c(
                "Alarm: any trust-policy change (`UpdateAssumeRolePolicy`)",
                "`org-access-trust-policy-changes`; `components/detection.ts`",
                "–",
                "CC6.3, CC7.2",
            ),
            c(
                "Centralized root access: member accounts' root credentials deletable, root tasks only via `sts:AssumeRoot`",
                "`root-access-features` (`rootAccess`); `components/rootAccess.ts`",
                "1.4, 1.5, 1.7",
                "CC6.1, CC6.3",
                "rootAccess",
            ),
            c(
                "IAM Access Analyzer for the organization: external and unused access; active findings alarmed",
                "`org-access-external-access`, `-unused-access`; `components/accessAnalyzer.ts`",
                "1.20",
                "CC6.1, CC7.2",
                "accessAnalyzer",
            ),
            c(
                "Alarm notifications go to a KMS-encrypted SNS topic, email subscribers from config",
                "`org-access-security-alarms`; `components/detection.ts`",
                "4.x (notification)",
                "CC7.3",
            ),
            c(
                "Incident response: MFA, one-hour sessions, containment writes only",
                "`IncidentResponseRole`; `components/dutyRoles.ts`",
                "1.10",
                "CC7.4",
                "incidentResponse",
            ),
            c(
                "Break-glass: admin, only the break-glass group, fresh MFA, one hour, always alarmed",
                "`BreakGlassRole`; `components/dutyRoles.ts`",
                "1.10, 1.16 (the one admin exception)",
                "CC6.1, CC6.3",
                "breakGlass",
            ),
            c(
                "CI without stored keys: GitHub OIDC; deploy only from `deploy.yml` on `main` in `production` (`sub` + `job_workflow_ref`)",
                "`org-access-github-deploy`; `components/ciIdentity.ts`",
                "1.14",
                "CC6.1, CC8.1",
            ),
            c(
                "Pull requests preview read-only: their identity reaches only the preview roles and reads the state; no role they reach writes",
                "`org-access-github-preview`, `OrgAccessPreviewRole`; `components/ciIdentity.ts`, `components/previewRole.ts`",
                "–",
                "CC6.1, CC8.1",
            ),
            p(
                "Pack: no permission set is admin but the break-glass one (by name); sessions at most the cap, `PT1H` when unset",
                "`iam-no-admin-grants`, `iam-role-session-cap`; `policypack/policies/permissionSets.ts`",
                "1.16",
                "CC6.1, CC6.3",
            ),
            p(
                "Pack: RCPs valid, only supported services, Deny only (`Version` 2012-10-17), AWS services exempt (CloudTrail delivers)",
                "`rcp-perimeter-sound`, `iam-policy-document-valid`; `policypack/policies/rcp.ts`",
                "3.1",
                "CC6.1, CC7.2",
                "rcps",
            ),
            c(
                "Identity Center `SecurityAudit`: PT1H, SecurityAudit + ViewOnlyAccess + the audit role's Deny, audit groups, every account",
                "permission set `SecurityAudit`; `components/identityCenter.ts`",
                "1.21",
                "CC6.1, CC6.3",
                "identityCenter",
            ),
            c(
                "Identity Center `IncidentResponse` / `BreakGlass`: the duty roles' policies, PT1H, their groups only",
                "`IncidentResponse`, `BreakGlass`; `components/identityCenter.ts`",
                "1.10, 1.16 (break-glass), 1.21",
                "CC6.1, CC6.3",
                "identityCenter",
            ),
            c(
                "Alarm: any sign-in with the `BreakGlass` permission set (`AssumeRoleWithSAML` on `AWSReservedSSO_BreakGlass_*`)",
                "`org-access-break-glass-permission-set`; `components/detection.ts`",
                "–",
                "CC6.2, CC7.3",
                "identityCenter",
            ),
            c(
                "MFA at every Identity Center sign-in: an instance setting no API reads or sets, checked by a person (report, runbook)",
                "IAM Identity Center console, Settings; `evidence/report.ts` (what to check)",
                "1.10",
                "CC6.1",
                "identityCenter",
            ),
        ],
    },
    {
        title: "Resource control policies",
        controls: [
            c(
                "Data perimeter (`resourceControlPolicies`)",
                "RCP `org-access-perimeter` (`EnforceOrgIdentities`): only the organization and the named partners reach the `services` of the member accounts below the targets",
                "–",
                "CC6.1, CC6.6",
                "rcps",
            ),
            c(
                "Confused-deputy protection",
                "RCP `org-access-perimeter` (`EnforceConfusedDeputyProtection`): AWS services act on those resources only for the organization or its partners",
                "–",
                "CC6.1, CC6.6",
                "rcps",
            ),
            c(
                "Log objects and the log key kept to their writers",
                "RCP `org-access-trail-logs` on the log-archive account: CloudTrail for this trail and the log-archive administrators only, management account's principals included",
                "3.3, 3.7",
                "CC6.1, CC7.2",
                "rcps",
            ),
            p(
                "RCP documents checked before deploying",
                "pack: `iam-policy-document-valid` (RCP grammar), `rcp-perimeter-sound` (supported services; no Deny that stops CloudTrail's delivery or an AWS service acting for the organization)",
                "3.1",
                "CC6.1, CC7.2",
                "rcps",
            ),
            p(
                "Permission sets checked before deploying",
                "pack: `iam-no-admin-grants` (no admin set but the break-glass one, by its exact name), `iam-role-session-cap` (`sessionDuration` at most the cap)",
                "1.16",
                "CC6.1, CC6.3",
            ),
        ],
    },
    {
        title: "Organization controls",
        controls: [
            c(
                "Centralized root access (`rootAccess: centralized`)",
                "management account: trusted access for `iam.amazonaws.com`, then `RootCredentialsManagement` and `RootSessions`; both retained when removed",
                "1.4, 1.5, 1.7",
                "CC6.1, CC6.3",
                "rootAccess",
            ),
            c(
                "Alarm on every `sts:AssumeRoot`",
                "metric filter and alarm `org-access-assume-root` on the organization trail",
                "1.7",
                "CC6.2, CC7.3",
                "rootAccess",
            ),
            c(
                "IAM Access Analyzer, external access (`accessAnalyzer`)",
                "security account registered as delegated administrator; analyzer `org-access-external-access` (type `ORGANIZATION`) in every Region of `accessAnalyzer.regions` (default `guardrails.allowedRegions`, else `aws:region`)",
                "1.20",
                "CC6.1, CC7.2",
                "accessAnalyzer",
            ),
            c(
                "IAM Access Analyzer, unused access",
                "analyzer `org-access-unused-access` (type `ORGANIZATION_UNUSED_ACCESS`, `unusedAccessAge` days)",
                "1.20 (1.12 for unused credentials)",
                "CC6.2, CC6.3",
                "accessAnalyzer",
            ),
            c(
                "Active findings alarmed",
                "EventBridge rule in the security account to the alarm topic (other Regions forward to `aws:region`'s default bus)",
                "–",
                "CC7.2, CC7.3",
                "accessAnalyzer",
            ),
        ],
    },
    {
        title: "IAM Identity Center",
        controls: [
            c(
                "`SecurityAudit`: PT1H, SecurityAudit + ViewOnlyAccess, the audit role's Deny as its inline policy",
                "`components/identityCenter.ts`",
                "1.21",
                "CC6.1, CC6.3",
                "identityCenter",
            ),
            c(
                "`IncidentResponse`, `BreakGlass`: the duty roles' own policies (`dutyRoleDefinition`), PT1H",
                "`components/identityCenter.ts`",
                "1.10, 1.16 (break-glass), 1.21",
                "CC6.1, CC6.3",
                "identityCenter",
            ),
            c(
                "Each group assigned in every account of every workload stack file, after its set's policies",
                "`ssoadmin.AccountAssignment`, `dependsOn`",
                "1.21",
                "CC6.2",
                "identityCenter",
            ),
            c(
                "Every `BreakGlass` sign-in alarmed (`AssumeRoleWithSAML` on `*/AWSReservedSSO_BreakGlass_*`)",
                "`org-access-break-glass-permission-set`",
                "–",
                "CC6.2, CC7.3",
                "identityCenter",
            ),
            c(
                "MFA at sign-in: the instance's setting, which no API reads or sets; checked by a person",
                "console; the report says so",
                "1.10",
                "CC6.1",
                "identityCenter",
            ),
        ],
    },
];

/** Every control, in the report's order. */
export const CONTROLS: readonly Control[] = CONTROL_SECTIONS.flatMap((s) => s.controls);
