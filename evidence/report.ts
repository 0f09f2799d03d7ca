// The report for people: the access graph as a Mermaid diagram, the evidence matrix, the policy
// pack's verdicts, ready-to-use access per account, and the controls each part serves.
// It renders on GitHub (Markdown tables and fenced `mermaid` blocks).
import type { StackPlan } from "../plan/offline";
import { deployed } from "../plan/render";
import { BREAK_GLASS_MFA_MAX_AGE } from "../components/dutyRoles";
import {
    accessGrants,
    accessGraph,
    accessTable,
    AccountNames,
    accountLabel,
    mermaidOf,
} from "./accessGraph";
import {
    AdminExemptions,
    claimsCis116,
    breakGlassException,
    CONTROL_SECTIONS,
    Control,
    Feature,
} from "./controls";
import { AccessModel } from "./model";
import { Provenance, provenanceSection } from "./provenance";
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
import {
    OrganizationControls,
    organizationControlsOf,
    organizationControlsSection,
} from "./organizationControls";

export { accessGraph, CONTROL_SECTIONS };
export type { AdminExemptions };

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
    /** The accounts the stack names (its `accounts` output): their names go next to their ids. */
    readonly accounts?: readonly { readonly name: string; readonly accountId: string }[];
}

export interface ReportInput {
    readonly title?: string;
    /** What produced the report, e.g. "offline plan of Pulumi.workload.yaml". */
    readonly source: string;
    readonly stacks: readonly ReportStack[];
    /** Whether the policy pack ran; without it the verdict section says so. */
    readonly policyPackRan: boolean;
    /** When, from which commit and config, by which command: the report's first section. */
    readonly provenance?: Provenance;
    /**
     * The names the pack config exempts from its admin checks (adminExemptionsOf): the controls
     * table states them beside every CIS 1.16 claim. Required, with no default: a report must name
     * the exemptions of the config it was made with, never the example's.
     */
    readonly adminExemptions: AdminExemptions;
    /** Names of accounts the stacks do not name themselves, by id. */
    readonly accountNames?: ReadonlyMap<string, string>;
}

const escape = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * Account names by id, from what the stacks know: each stack's `accounts`, the Identity Center
 * accounts, and the security, management and log-archive accounts by their part.
 */
export function accountNamesOf(stacks: readonly ReportStack[]): Map<string, string> {
    const names = new Map<string, string>();
    for (const s of stacks) {
        for (const a of [...(s.accounts ?? []), ...(s.identityCenter?.accounts ?? [])])
            if (!names.has(a.accountId)) names.set(a.accountId, a.name);
        const parts: [string | undefined, string][] = [
            [s.model.securityAccountId, "security"],
            [s.model.managementAccountId, "management"],
        ];
        for (const [id, name] of parts) if (id && !names.has(id)) names.set(id, name);
    }
    return names;
}

/** A cell's text with the names of the accounts whose ids it mentions, after it. */
function withNames(text: string, names: AccountNames): string {
    const mentioned = [...new Set(text.match(/(?<!\d)\d{12}(?!\d)/g) ?? [])].filter((id) =>
        names.has(id),
    );
    return mentioned.length === 0
        ? text
        : `${text} (${mentioned.map((id) => `${id} = ${names.get(id)}`).join(", ")})`;
}

/** The report's input for one planned stack (plan/offline.ts's StackPlan). */
export function reportStackOf(p: StackPlan): ReportStack {
    const outputs = p.result.outputs;
    const accounts = Array.isArray(outputs.accounts)
        ? (outputs.accounts as unknown[]).flatMap((a) => {
              const x = a as { name?: unknown; accountId?: unknown };
              return typeof x?.name === "string" && typeof x.accountId === "string"
                  ? [{ name: x.name, accountId: x.accountId }]
                  : [];
          })
        : [];
    const named = (id: unknown, name: string) =>
        typeof id === "string" ? [{ name, accountId: id }] : [];
    return {
        stack: p.result.stack,
        model: p.model,
        evidence: p.evidence,
        proofs: p.proofs,
        violations: p.violations,
        suppressions: p.suppressions,
        resourceCount: deployed(p.result.resources).length,
        accessProfiles: outputs.accessProfiles as Record<string, AccountAccess> | undefined,
        organizationControls: organizationControlsOf(outputs),
        identityCenter: outputs.identityCenter as IdentityCenterSummary | undefined,
        region: p.result.region,
        accounts: [
            ...accounts,
            ...named(outputs.logArchiveAccountId, "log-archive"),
            ...named(outputs.managementAccountId, "management"),
            ...named(outputs.securityAccountId, "security"),
        ],
    };
}

/** The admin policies whose exemptions and suppressions the report states beside CIS 1.16. */
export const ADMIN_POLICIES = ["iam-no-admin-grants", "iam-no-admin-principals"] as const;

/** The exemptions of the pack config's `iam-no-admin-grants` and `iam-no-admin-principals`. */
export function adminExemptionsOf(
    packConfig: Record<string, unknown> | undefined,
): AdminExemptions {
    type Settings = {
        breakGlassRoles?: unknown;
        breakGlassPermissionSets?: unknown;
        breakGlassPolicies?: unknown;
    };
    const settings = (policy: string): Settings => {
        const v = packConfig?.[policy];
        return typeof v === "object" && v !== null ? (v as Settings) : {};
    };
    const [grants, principals] = ADMIN_POLICIES.map(settings);
    const strings = (...vs: unknown[]) => [
        ...new Set(
            vs.flatMap((v) =>
                Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [],
            ),
        ),
    ];
    return {
        roles: strings(grants.breakGlassRoles, principals.breakGlassRoles),
        permissionSets: strings(grants.breakGlassPermissionSets),
        policies: strings(grants.breakGlassPolicies),
    };
}

/**
 * The active suppressions of the admin policies in these stacks: violations of CIS 1.16 that the
 * team accepted, disclosed beside each claim as the exemptions are.
 */
function adminSuppressions(stacks: readonly ReportStack[]): string[] {
    const admin = new Set<string>(ADMIN_POLICIES);
    const seen = new Set<string>();
    return stacks.flatMap((s) =>
        (s.suppressions ?? []).flatMap((u) => {
            if (u.status !== "active" || !admin.has(u.policy)) return [];
            const text = `\`${u.suppression.resource}\` (${u.policy}, until ${u.suppression.expires}: ${u.suppression.reason})`;
            if (seen.has(text)) return [];
            seen.add(text);
            return [text];
        }),
    );
}

function matrix(entries: readonly EvidenceEntry[], names: AccountNames): string {
    const rows = [
        "| account | role | scenario | expected | simulated | | deciding statement |",
        "|---|---|---|---|---|---|---|",
    ];
    for (const e of entries) {
        rows.push(
            `| ${escape(accountLabel(e.accountId, names))} | ${escape(e.role)} | \`${e.scenario}\` | ${e.expected} | ${e.simulated} | ${e.expected === e.simulated ? "✅" : "❌"} | ${escape(e.reason)} |`,
        );
    }
    return rows.join("\n");
}

/** The proofs of one stack: a table, then each proof's assumptions and counterexamples. */
function proofSection(proofs: readonly ProofResult[], names: AccountNames): string[] {
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
                    `| ${escape(withNames(c.principal, names))} | ${escape(withNames(c.path.join(" → ") || "directly", names))} | \`${c.action}\` | ${escape(withNames(c.resource, names))} | ${escape(c.statements.join("; "))} | ${escape(c.reason)} |`,
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
        ...(input.provenance ? provenanceSection(input.provenance) : []),
    ];
    const names = new Map([...accountNamesOf(input.stacks), ...(input.accountNames ?? [])]);
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
        const grants = accessGrants(s.model, names);
        if (grants.groups.length > 0)
            out.push(
                "### Access graph",
                "",
                "Who of the security account may assume which role, on which conditions. Accounts with the same access are one group; past a few dozen edges the diagram draws each group once (Mermaid's default limits: 50,000 characters, 500 edges), and the table below names every account.",
                "",
                "```mermaid",
                mermaidOf(grants, names),
                "```",
                "",
                ...accessTable(grants, names),
                "",
            );
        out.push("### Evidence matrix", "", matrix(s.evidence, names), "");
        if (s.proofs) out.push("### Proofs", "", ...proofSection(s.proofs, names), "");
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
                        `| \`${account}\`${idOf(account, names) ? ` (${idOf(account, names)})` : ""} | ${access.console ? `[switch role](${access.console})` : "no switch-role link (role path and name over 64 characters, or a partition without a public console)"} |`,
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
    out.push("", ...controlsSection(input));
    return out.join("\n");
}

/** The id of the account of this name, when the report knows it. */
function idOf(name: string, names: AccountNames): string | undefined {
    for (const [id, n] of names) if (n === name) return id;
    return undefined;
}

/** Whether the planned stacks configure an optional part; undefined when the security stack is not in the report. */
function configured(feature: Feature, stacks: readonly ReportStack[]): boolean | undefined {
    const security = stacks.find((s) => s.stack === "security");
    if (!security) return undefined;
    const any = (f: (s: ReportStack) => boolean) => stacks.some(f);
    switch (feature) {
        case "guardrails":
            return any((s) => s.model.scps.length > 0);
        case "regions":
            return any((s) => s.model.scps.some((p) => /org-access-regions$/.test(p.label)));
        case "rcps":
            return any((s) => (s.model.rcps ?? []).length > 0);
        case "rootAccess":
            return any((s) => s.organizationControls?.rootAccessFeatures !== undefined);
        case "accessAnalyzer":
            return any((s) => s.organizationControls?.accessAnalyzer !== undefined);
        case "identityCenter":
            return any((s) => s.identityCenter !== undefined);
        case "breakGlass":
            return any((s) => (s.model.trusted.breakGlassArns ?? []).length > 0);
        case "incidentResponse":
            return any((s) => (s.model.trusted.incidentResponderArns ?? []).length > 0);
    }
}

/** Whether this report's stacks have the control: planned, not configured, or not in the report. */
function status(c: Control, input: ReportInput): string {
    const planned = (stack: string) =>
        input.stacks.some((s) =>
            stack === "workload" ? s.stack !== "security" : s.stack === stack,
        );
    if (c.owner === "pack") return input.policyPackRan ? "checked by the pack" : "pack not run";
    if (!planned(c.owner)) return `${c.owner} stack not in this report`;
    if (!c.feature) return "planned";
    const on = configured(c.feature, input.stacks);
    return on === undefined
        ? "security stack not in this report"
        : on
          ? "planned"
          : "not configured (optional)";
}

/**
 * The controls table, from the one list (evidence/controls.ts): every control of the docs, where
 * it is implemented, what it maps to, whether these stacks have it, and beside every CIS 1.16
 * claim the break-glass exemption that the pack config makes.
 */
function controlsSection(input: ReportInput): string[] {
    const exemptions = input.adminExemptions;
    const suppressed = adminSuppressions(input.stacks);
    const exception = breakGlassException(exemptions, suppressed);
    const exempts =
        exemptions.roles.length +
            exemptions.permissionSets.length +
            (exemptions.policies ?? []).length >
        0;
    const out = [
        "## Controls",
        "",
        "CIS items are numbered as in the CIS AWS Foundations Benchmark v1.4.0; SOC 2 items are the 2017 Trust Services Criteria. *In this report* says whether the planned stacks have the control.",
        "",
        !exempts
            ? `CIS 1.16 (no policies that allow full administrative privileges): ${exception}.`
            : `CIS 1.16 (no policies that allow full administrative privileges) holds with the exceptions stated beside each claim: ${exception}. The role admits only the break-glass users, with MFA at most ${BREAK_GLASS_MFA_MAX_AGE} s old; the permission set is assigned only to the break-glass group (MFA: the Identity Center instance's setting, below); sessions last one hour, and every use raises an alarm.`,
        "",
    ];
    for (const section of CONTROL_SECTIONS) {
        out.push(
            `### ${section.title}`,
            "",
            "| control | where | CIS | SOC 2 | in this report |",
            "|---|---|---|---|---|",
        );
        for (const c of section.controls)
            out.push(
                `| ${escape(c.control)} | ${escape(c.where)} | ${escape(c.cis)}${claimsCis116(c) ? ` (${escape(exception)})` : ""} | ${escape(c.soc2)} | ${status(c, input)} |`,
            );
        out.push("");
    }
    return out;
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
                `- **Not assigned**: stack \`${u.stack}\` deploys by StackSet to every account of ${u.ous.join(", ")}; only the accounts its file lists by id get assignments. Add the others to the file (npx org-access account add) to give them Identity Center access.`,
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
