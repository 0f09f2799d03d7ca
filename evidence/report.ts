// The report for people: the access graph as a Mermaid diagram, the evidence matrix, the policy
// pack's verdicts, ready-to-use access per account, and the controls each part serves.
// It renders on GitHub (Markdown tables and fenced `mermaid` blocks).
import { awsPrincipalFromArn, evaluateRequest, Statement } from "../policypack/iam";
import { AccessModel, assumeRequestContext, RoleModel } from "./model";
import { DUTY_TAG, PRINCIPAL_TYPE_TAG } from "../components/principalTags";
import { ProofResult } from "./proofs";
import {
    AccountAccess,
    EXTERNAL_ID_HINT,
    IdentityCenterSummary,
    identityCenterAccess,
    LOGIN_HINT,
    SSO_SESSION,
} from "./profiles";
import { EvidenceEntry, SCENARIOS, ScenarioId } from "./simulate";
import { OrganizationControls, organizationControlsSection } from "./organizationControls";

/** A policy-pack verdict, as the pack reports it. */
export interface ReportViolation {
    readonly policy: string;
    readonly resource: string;
    readonly message: string;
    readonly enforcementLevel: string;
}

/** A suppression of the pack config and what it did in the stack (policypack/suppressions.ts). */
export interface ReportSuppression {
    readonly policy: string;
    readonly suppression: {
        readonly resource: string;
        readonly reason: string;
        readonly expires: string;
    };
    readonly status: "active" | "expired" | "unused";
    readonly matched: number;
}

export interface ReportStack {
    readonly stack: string;
    readonly model: AccessModel;
    readonly evidence: readonly EvidenceEntry[];
    /** The stack's proofs, when they ran. */
    readonly proofs?: readonly ProofResult[];
    readonly violations?: readonly ReportViolation[];
    /** Every suppression of the pack config, with its status in this stack. */
    readonly suppressions?: readonly ReportSuppression[];
    readonly resourceCount: number;
    readonly accessProfiles?: Record<string, AccountAccess>;
    /** Centralized root access and IAM Access Analyzer, when the stack configures them. */
    readonly organizationControls?: OrganizationControls;
    /** The security stack's IAM Identity Center instance, permission sets and accounts, when configured. */
    readonly identityCenter?: IdentityCenterSummary;
    /** The stack's region (the profiles' default region). */
    readonly region?: string;
}

export interface ReportInput {
    readonly title?: string;
    /** What produced the report, e.g. "offline plan of Pulumi.workload.yaml". */
    readonly source: string;
    readonly stacks: readonly ReportStack[];
    /** Whether the policy pack ran; without it the verdict section says so. */
    readonly policyPackRan: boolean;
}

/** Controls the design serves, with the part of org-access that implements each. */
export const CONTROLS: readonly { id: string; control: string; implementedBy: string }[] = [
    {
        id: "SOC 2 CC6.1",
        control: "Logical access is restricted to authorised users",
        implementedBy:
            "audit-role trust names exact principals of the security account; no wildcard principal (policy iam-no-wildcard-principal)",
    },
    {
        id: "SOC 2 CC6.2",
        control: "Users are registered and authorised before access",
        implementedBy:
            "identities exist only through the security stack's config; groups grant only the program's role names, inside the organization",
    },
    {
        id: "SOC 2 CC6.3",
        control: "Role-based, least-privilege access; segregation of duties",
        implementedBy:
            "read-only SecurityAuditRole with explicit Deny on IAM writes, data reads and CloudShell; humans and programs in separate groups",
    },
    {
        id: "SOC 2 CC6.6",
        control: "Access from outside the boundary needs strong authentication",
        implementedBy:
            "MFA (present and recent) for humans, exact ExternalId for programs (policy iam-trust-requires-mfa)",
    },
    {
        id: "SOC 2 CC7.2",
        control: "Monitoring of system components for anomalies",
        implementedBy: "organization CloudTrail trail into CloudWatch Logs",
    },
    {
        id: "CIS AWS 1.8",
        control: "Password policy requires a minimum length of 14",
        implementedBy: "SecurityAccess account password policy",
    },
    {
        id: "CIS AWS 1.9",
        control: "Password policy prevents reuse",
        implementedBy: "SecurityAccess account password policy (24)",
    },
    {
        id: "CIS AWS 1.10",
        control: "MFA for every IAM user with a console password",
        implementedBy:
            "deny-everything-without-MFA group policy; MFA in every human trust statement",
    },
    {
        id: "CIS AWS 1.11",
        control: "No access keys at initial user setup",
        implementedBy: "no aws.iam.AccessKey is ever created; humans are denied creating their own",
    },
    {
        id: "CIS AWS 1.15",
        control: "IAM users receive permissions only through groups",
        implementedBy: "no user policies; auditors and reporters groups",
    },
    {
        id: "CIS AWS 1.16",
        control: "No policies that allow full administrative privileges",
        implementedBy: "policy iam-no-admin-grants",
    },
    {
        id: "CIS AWS 1.21",
        control: "People's access managed centrally through identity federation",
        implementedBy:
            "with identityCenter: IAM Identity Center permission sets (SecurityAudit, IncidentResponse, BreakGlass; PT1H) assigned to Identity Store groups in every workload account; MFA is the instance's setting, checked by a person",
    },
    {
        id: "CIS AWS 3.1",
        control: "CloudTrail enabled in all regions",
        implementedBy: "OrgTrail: organization, multi-region trail with global service events",
    },
    {
        id: "CIS AWS 3.2",
        control: "CloudTrail log file validation enabled",
        implementedBy: "OrgTrail: enableLogFileValidation",
    },
    {
        id: "CIS AWS 3.3",
        control: "CloudTrail bucket not publicly accessible",
        implementedBy: "full public access block, TLS-only, BucketOwnerEnforced",
    },
    {
        id: "CIS AWS 3.4",
        control: "CloudTrail integrated with CloudWatch Logs",
        implementedBy: "OrgTrail log group and delivery role",
    },
    {
        id: "CIS AWS 3.7",
        control: "CloudTrail logs encrypted at rest with KMS CMKs",
        implementedBy: "OrgTrail customer-managed key, scoped to the trail by aws:SourceArn",
    },
    {
        id: "CIS AWS 3.8",
        control: "Rotation for customer-created CMKs enabled",
        implementedBy: "OrgTrail key with enableKeyRotation",
    },
    {
        id: "CIS AWS 1.4, 1.7",
        control: "No root user access keys; eliminate use of the root user",
        implementedBy:
            "rootAccess: centralized (RootCredentialsManagement, RootSessions): member accounts' root credentials deleted, privileged tasks only through sts:AssumeRoot, alarmed; SCP DenyRootUser",
    },
    {
        id: "CIS AWS 1.20",
        control: "IAM Access Analyzer enabled",
        implementedBy:
            "accessAnalyzer: organization analyzers for external access in every Region of accessAnalyzer.regions (named under Organization controls) and for unused access, in the security account (delegated administrator); active findings to the alarm topic",
    },
];

const escape = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * The trust statements that admit `principalArn`, decided by the one IAM evaluator: a human with a
 * fresh MFA sign-in (the trust may name the user, or the account with an `aws:PrincipalArn`
 * condition, as OrgAccessLogArchiveAdmin's does), a program by the statements that name it (its
 * ExternalId and network conditions are shown as labels, not supplied).
 */
function admitting(
    model: AccessModel,
    role: RoleModel,
    principalArn: string,
    human: boolean,
): readonly Statement[] {
    if (!human)
        return role.trust.statements.filter(
            (st) =>
                st.effect === "Allow" && JSON.stringify(st.principal ?? {}).includes(principalArn),
        );
    const principal = awsPrincipalFromArn(principalArn);
    if (!principal) return [];
    const result = evaluateRequest(role.trust, {
        principal,
        action: "sts:AssumeRole",
        // The person's tags as the security stack sets them: the trust designates people by them.
        context: {
            "aws:MultiFactorAuthPresent": "true",
            "aws:MultiFactorAuthAge": "0",
            ...assumeRequestContext(model, principalArn, true),
        },
    });
    if (result.decision !== "Allow") return [];
    const admitted = new Set(result.matchedAllows.map((ref) => ref.statement));
    return role.trust.statements.filter((st) => admitted.has(st.index));
}

/** Short labels for the admitting statements' conditions: MFA, MFA age, ExternalId, and the rest by key. */
function conditionLabels(role: RoleModel, statements: readonly Statement[]): string[] {
    const labels = new Set<string>();
    for (const st of statements) {
        for (const c of st.conditions) {
            if (c.keyLower === "aws:multifactorauthpresent") labels.add("MFA");
            else if (c.keyLower === "aws:multifactorauthage")
                labels.add(`MFA age < ${c.values[0] ?? "?"} s`);
            else if (c.keyLower === "sts:externalid") labels.add("ExternalId");
            // People are designated by their path and duty tag (components/orgGrants.ts).
            else if (c.keyLower === "aws:principalarn" && /:user\//.test(c.values[0] ?? ""))
                labels.add(`path ${(c.values[0] ?? "").replace(/^[^/]*(\/.*\/)[^/]*$/, "$1")}`);
            else if (c.keyLower === `aws:principaltag/${DUTY_TAG}`)
                labels.add(`duty ${c.values[0] ?? "?"}`);
            else if (c.keyLower === `aws:principaltag/${PRINCIPAL_TYPE_TAG}`) continue;
            else labels.add(c.key);
        }
    }
    labels.add(`session ≤ ${role.maxSessionDuration} s`);
    return [...labels];
}

function id(prefix: string, s: string): string {
    return `${prefix}_${s.replace(/[^A-Za-z0-9]/g, "_")}`;
}

/** The access graph: security-account principals to the roles they may assume, with conditions. */
export function accessGraph(model: AccessModel): string {
    const lines = ["flowchart LR"];
    // Auditors, incident responders and break-glass users are all people; reporters are programs.
    const humans = [
        ...new Set([
            ...model.trusted.humanArns,
            ...(model.trusted.incidentResponderArns ?? []),
            ...(model.trusted.breakGlassArns ?? []),
        ]),
    ];
    const programs = model.trusted.reporters;
    const security =
        model.securityAccountId ??
        humans[0]?.split(":")[4] ??
        programs[0]?.arn.split(":")[4] ??
        "security";
    lines.push(`    subgraph ${id("acct", security)}["security account ${security}"]`);
    for (const arn of humans) lines.push(`        ${id("p", arn)}["👤 ${arn.split("/").pop()}"]`);
    for (const r of programs) lines.push(`        ${id("p", r.arn)}["⚙️ ${r.name}"]`);
    lines.push("    end");
    const roles = model.roles.filter((r) =>
        r.trust.statements.some((st) =>
            JSON.stringify(st.principal ?? {}).includes(`:iam::${security}:`),
        ),
    );
    const byAccount = new Map<string, RoleModel[]>();
    for (const r of roles) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
    for (const [account, list] of byAccount) {
        lines.push(`    subgraph ${id("acct", account)}["account ${account}"]`);
        for (const r of list) lines.push(`        ${id("r", r.arn)}["${r.name}"]`);
        lines.push("    end");
    }
    const callers = [
        ...humans.map((arn) => ({ arn, human: true })),
        ...programs.map((x) => ({ arn: x.arn, human: false })),
    ];
    for (const r of roles) {
        for (const p of callers) {
            const statements = admitting(model, r, p.arn, p.human);
            if (statements.length > 0)
                lines.push(
                    `    ${id("p", p.arn)} -- "${conditionLabels(r, statements).join(", ")}" --> ${id("r", r.arn)}`,
                );
        }
    }
    return lines.join("\n");
}

function matrix(entries: readonly EvidenceEntry[]): string {
    const rows = [
        "| account | role | scenario | expected | simulated | | deciding statement |",
        "|---|---|---|---|---|---|---|",
    ];
    for (const e of entries) {
        rows.push(
            `| ${e.accountId} | ${escape(e.role)} | \`${e.scenario}\` | ${e.expected} | ${e.simulated} | ${e.expected === e.simulated ? "✅" : "❌"} | ${escape(e.reason)} |`,
        );
    }
    return rows.join("\n");
}

/** The proofs of one stack: a table, then each proof's assumptions and counterexamples. */
function proofSection(proofs: readonly ProofResult[]): string[] {
    const out = [
        "Each proof examines everything of its kind in the plan, not chosen scenarios (docs/proofs.md).",
        "",
        "| proof | holds when | checked | result |",
        "|---|---|---|---|",
        ...proofs.map(
            (p) =>
                `| \`${p.id}\` | ${escape(p.statement)} | ${p.checked} ${escape(p.unit)} | ${p.holds ? "✅ holds" : p.checked === 0 ? "❌ examined nothing" : `❌ ${p.counterexamples.length} counterexample(s)`} |`,
        ),
        "",
    ];
    for (const p of proofs) {
        if (p.assumptions.length === 0 && p.counterexamples.length === 0) continue;
        out.push(`<details><summary><code>${p.id}</code></summary>`, "");
        if (p.assumptions.length)
            out.push("Taken as given:", "", ...p.assumptions.map((a) => `- ${a}`), "");
        if (p.counterexamples.length) {
            out.push(
                "| principal | path | action | resource | deciding statements | why |",
                "|---|---|---|---|---|---|",
            );
            for (const c of p.counterexamples)
                out.push(
                    `| ${escape(c.principal)} | ${escape(c.path.join(" → ") || "directly")} | \`${c.action}\` | ${escape(c.resource)} | ${escape(c.statements.join("; "))} | ${escape(c.reason)} |`,
                );
            out.push("");
        }
        out.push("</details>", "");
    }
    return out;
}

/**
 * Every suppression of the pack config: an accepted violation is disclosed with its reason and
 * expiry, an expired one is a violation again (listed above), an unused one is a warning.
 */
export function suppressionsSection(suppressions: readonly ReportSuppression[]): string[] {
    if (suppressions.length === 0) return [];
    const status = (u: ReportSuppression) =>
        u.status === "active"
            ? `active: hides ${u.matched} violation(s)`
            : u.status === "expired"
              ? "**expired**: its violations are reported again"
              : "**unused**: matches no violation (remove it)";
    return [
        "#### Suppressions",
        "",
        "Accepted violations of the pack config (each policy's `suppressions`), each with its reason and expiry.",
        "",
        "| policy | resource | reason | expires | status |",
        "|---|---|---|---|---|",
        ...suppressions.map(
            (u) =>
                `| ${u.policy} | ${escape(u.suppression.resource)} | ${escape(u.suppression.reason)} | ${u.suppression.expires} | ${status(u)} |`,
        ),
        "",
    ];
}

export function renderReport(input: ReportInput): string {
    const out: string[] = [
        `# ${input.title ?? "org-access access evidence"}`,
        "",
        `Generated by \`${input.source}\`. Every verdict below is computed from the documents the program would deploy.`,
        "",
    ];
    const all = input.stacks.flatMap((s) => s.evidence);
    const failed = all.filter((e) => e.expected !== e.simulated);
    const mandatory = input.stacks
        .flatMap((s) => s.violations ?? [])
        .filter((v) => v.enforcementLevel === "mandatory");
    out.push(
        "## Summary",
        "",
        `| stack | resources | scenarios as expected | proofs that hold | mandatory violations |`,
        "|---|---|---|---|---|",
    );
    for (const s of input.stacks) {
        const ok = s.evidence.filter((e) => e.expected === e.simulated).length;
        out.push(
            `| ${s.stack} | ${s.resourceCount} | ${ok} / ${s.evidence.length} | ${s.proofs ? `${s.proofs.filter((p) => p.holds).length} / ${s.proofs.length}` : "not run"} | ${input.policyPackRan ? (s.violations ?? []).filter((v) => v.enforcementLevel === "mandatory").length : "not run"} |`,
        );
    }
    const unproved = input.stacks.flatMap((s) => (s.proofs ?? []).filter((p) => !p.holds));
    out.push(
        "",
        failed.length === 0 && mandatory.length === 0 && unproved.length === 0
            ? `**Result: every scenario behaves as designed${input.stacks.some((s) => s.proofs) ? " and every proof holds" : ""}.**`
            : `**Result: ${failed.length} scenario(s) differ from the design; ${unproved.length} proof(s) do not hold; ${mandatory.length} mandatory violation(s).**`,
        "",
    );

    for (const s of input.stacks) {
        out.push(`## Stack \`${s.stack}\``, "");
        const graph = accessGraph(s.model);
        if (graph.includes("-->")) out.push("### Access graph", "", "```mermaid", graph, "```", "");
        out.push("### Evidence matrix", "", matrix(s.evidence), "");
        if (s.proofs) out.push("### Proofs", "", ...proofSection(s.proofs), "");
        if (s.organizationControls)
            out.push(...organizationControlsSection(s.organizationControls));
        out.push("### Policy pack", "");
        if (!input.policyPackRan) out.push("The policy pack did not run for this report.", "");
        else if ((s.violations ?? []).length === 0) out.push("No violations.", "");
        else {
            out.push("| policy | level | resource | message |", "|---|---|---|---|");
            for (const v of s.violations ?? [])
                out.push(
                    `| ${v.policy} | ${v.enforcementLevel} | ${escape(v.resource)} | ${escape(v.message)} |`,
                );
            out.push("");
        }
        out.push(...suppressionsSection(s.suppressions ?? []));
        if (s.accessProfiles && Object.keys(s.accessProfiles).length > 0) {
            out.push(
                "### Access for people",
                "",
                "Humans are IAM users without access keys: every credential starts from a console sign-in with MFA, and the audit roles accept it only while that MFA is recent.",
                "",
                "- **Console**: sign in to the security account with MFA, then open the account's switch-role link below (the role accepts the sign-in's MFA only while it is younger than `auditRole.mfaMaxAgeSeconds`; after that, sign in again).",
                `- **CLI**: ${LOGIN_HINT}. AWS does not document that an \`aws login\` session carries the console sign-in's MFA context, so the profiles do not rely on it: \`mfa_serial\` sends the MFA device and a fresh code with each \`sts:AssumeRole\`.`,
                `- **Programs** present their ExternalId (${EXTERNAL_ID_HINT}).`,
                "",
                "| account | console |",
                "|---|---|",
                ...Object.entries(s.accessProfiles).map(
                    ([account, access]) =>
                        `| \`${account}\` | ${access.console ? `[switch role](${access.console})` : "no switch-role link (role path and name over 64 characters, or a partition without a public console)"} |`,
                ),
                "",
            );
            for (const [account, access] of Object.entries(s.accessProfiles)) {
                out.push(
                    `<details><summary><code>${account}</code></summary>`,
                    "",
                    "```ini",
                    access.human.profile,
                    "",
                    access.program.profile,
                    "```",
                    "",
                    "```sh",
                    access.human.command,
                    access.program.command,
                    "```",
                    "",
                    "</details>",
                    "",
                );
            }
        }
    }

    for (const s of input.stacks)
        if (s.identityCenter)
            out.push(...identityCenterSection(s.stack, s.identityCenter, s.region));

    out.push("## Scenarios", "", "| scenario | what it asks |", "|---|---|");
    for (const [k, v] of Object.entries(SCENARIOS) as [ScenarioId, string][])
        out.push(`| \`${k}\` | ${v} |`);
    out.push("", "## Controls", "", "| control | requirement | implemented by |", "|---|---|---|");
    for (const c of CONTROLS) out.push(`| ${c.id} | ${c.control} | ${escape(c.implementedBy)} |`);
    out.push("", "CIS items are numbered as in the CIS AWS Foundations Benchmark v1.4.0.", "");
    return out.join("\n");
}

/**
 * People's access through IAM Identity Center: the portal's links and the `aws configure sso`
 * profiles per account and permission set, what the plan cannot reach (the accounts of a
 * StackSet's OUs it does not list), and the MFA setting a person must check, said plainly.
 */
export function identityCenterSection(
    stack: string,
    ic: IdentityCenterSummary,
    region = ic.ssoRegion,
): string[] {
    const { session, access } = identityCenterAccess(ic, region);
    const out = [
        `## Access through IAM Identity Center (stack \`${stack}\`)`,
        "",
        `Sign in at the access portal, ${ic.portalUrl}, then open an account's link below; on the command line, \`aws sso login --sso-session ${SSO_SESSION}\` once, then \`--profile org-access-<account>-<permission set>\`. Sessions last one hour (PT1H).`,
        "",
        `- **MFA**: ${ic.mfa ?? "not checked by this program: check the instance's MFA settings in the IAM Identity Center console."}`,
        "- **Checked by the plan**: each permission set's policies (the audit role's Deny in SecurityAudit, the duty roles' policies in IncidentResponse and BreakGlass), its one-hour session, an assignment of each configured group in every listed workload account, and the alarm on every BreakGlass sign-in.",
        ...(ic.unassignedOus ?? []).map(
            (u) =>
                `- **Not assigned**: stack \`${u.stack}\` deploys by StackSet to every account of ${u.ous.join(", ")}; only the accounts its file lists by id get assignments. Add the others to the file (npm run account:add) to give them Identity Center access.`,
        ),
        "",
        "| account | permission set | portal link |",
        "|---|---|---|",
        ...access.map(
            (a) =>
                `| \`${a.account}\` (${a.accountId}) | ${a.permissionSet} | [sign in](${a.portalLink}) |`,
        ),
        "",
        "<details><summary><code>~/.aws/config</code></summary>",
        "",
        "```ini",
        session,
        "",
        ...access.flatMap((a) => [a.profile, ""]),
        "```",
        "",
        "</details>",
        "",
    ];
    return out;
}
