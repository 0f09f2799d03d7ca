// Who can assume what, as the report shows it: the security account's people and programs, the
// roles of other accounts they may assume, and on which conditions. Two views of one computation:
// a principal-by-account table, and a Mermaid diagram that folds accounts with the same access
// into one node once the organization is too big to draw one box per account.
//
// Why fold by access: at 1,000 accounts the audit role is the same in every account, so the
// per-account diagram repeats one picture 1,000 times (40 auditors x 1,000 roles = 40,000 edges)
// and no renderer draws it. Accounts whose callers, roles and conditions are all the same are one
// group; the table names every account of every group, the diagram names a few and counts the rest.
import { awsPrincipalFromArn, evaluateRequest, Statement } from "../policypack/iam";
import { DUTY_TAG, PRINCIPAL_TYPE_TAG } from "../components/principalTags";
import { AccessModel, assumeRequestContext, RoleModel } from "./model";

/** Account names by account id (what the stack files call each account). */
export type AccountNames = ReadonlyMap<string, string>;

/**
 * Mermaid's default maxTextSize: a longer diagram is not drawn, only an error ("Maximum text size
 * in diagram exceeded"). https://mermaid.js.org/config/schema-docs/config-properties-maxtextsize.html
 */
export const MERMAID_MAX_TEXT_SIZE = 50_000;
/**
 * Mermaid's default maxEdges is 500 (https://mermaid.js.org/config/schema-docs/config-properties-maxedges.html);
 * some 10.x releases hardcoded 280 ("Too many edges", mermaid-js/mermaid#5042). The diagram stays
 * below both, with room to spare.
 */
export const MERMAID_MAX_EDGES = 250;
/** What the diagram may use of maxTextSize: the fold notes and the last group must still fit. */
const TEXT_BUDGET = 45_000;
/** Up to this many edges, one box per account and one node per principal stay readable. */
const DETAILED_MAX_EDGES = 60;
/** Account names a folded node lists before "…". */
const NAMES_IN_FOLD = 3;

/** An account as people read it: `prod (777788889999)`, or the id alone when it has no name. */
export function accountLabel(accountId: string, names: AccountNames): string {
    const name = names.get(accountId);
    return name && name !== accountId ? `${name} (${accountId})` : accountId;
}

/** The security account's box: `security account 111122223333`, or its own name when it has one. */
function securityLabel(accountId: string, names: AccountNames): string {
    const name = names.get(accountId);
    return name && name !== "security"
        ? `security account ${name} (${accountId})`
        : `security account ${accountId}`;
}

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
    // The parsed Principal element's AWS entries, compared whole: a substring test would let the
    // statement naming `reporter-2` (and its conditions) count for `reporter`.
    if (!human)
        return role.trust.statements.filter(
            (st) => st.effect === "Allow" && (st.principal?.aws ?? []).includes(principalArn),
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
            else labels.add(`${c.key} ${shortValues(c.values)}`);
        }
    }
    labels.add(`session ≤ ${role.maxSessionDuration} s`);
    return [...labels];
}

/** Up to this many characters of a condition's values in a label; the rest is counted. */
const VALUES_IN_LABEL = 60;

/** `203.0.113.0/24 or 198.51.100.0/24`, shortened to `203.0.113.0/24 or … (5 values)` when long. */
function shortValues(values: readonly string[]): string {
    const all = values.join(" or ");
    if (all.length <= VALUES_IN_LABEL) return all;
    return `${values[0].slice(0, VALUES_IN_LABEL)} or … (${values.length} values)`;
}

/**
 * Every condition of the admitting statements, operator, key and values, in one canonical string:
 * what grants are folded by. The labels name a condition and may shorten its values (an ExternalId
 * is never shown), so two callers restricted differently must not fold on equal labels.
 */
function restrictionsOf(statements: readonly Statement[]): string {
    return JSON.stringify(
        statements
            .map((st) =>
                st.conditions
                    .map((c) => [c.operator, c.keyLower, [...c.values].sort()])
                    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
            )
            .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
}

export interface Caller {
    readonly arn: string;
    readonly human: boolean;
    /** The user name: `alice`, `compliance-reporter`. */
    readonly name: string;
}

/** One caller may assume one role, on these conditions. */
export interface Grant {
    /** Index into AccessGrants.callers. */
    readonly caller: number;
    readonly role: RoleModel;
    readonly conditions: string;
    /** The conditions in full (restrictionsOf): grants fold only when these are equal too. */
    readonly restrictions: string;
}

/** Accounts in which the same callers may assume the same role names on the same conditions. */
export interface AccountGroup {
    /** Account ids, by name (then id). */
    readonly accounts: readonly string[];
    /** The grants of the group's first account; every other account's differ only by account. */
    readonly grants: readonly Grant[];
}

/** Callers whose access is the same in every group. */
export interface CallerGroup {
    readonly callers: readonly number[];
    /** Per account group (its index), the role names and conditions. */
    readonly access: readonly {
        group: number;
        role: string;
        conditions: string;
        restrictions: string;
    }[];
}

export interface AccessGrants {
    readonly securityAccountId: string;
    readonly callers: readonly Caller[];
    /** Largest group first. */
    readonly groups: readonly AccountGroup[];
    readonly callerGroups: readonly CallerGroup[];
}

/**
 * Every role of another account that trusts the security account, and who of the security
 * account's people and programs it admits. The trust documents of one role name are the same in
 * every account of a stack, so each distinct document is evaluated once per caller (at 3,000
 * accounts, 45 evaluations instead of 135,000).
 */
export function accessGrants(model: AccessModel, names: AccountNames = new Map()): AccessGrants {
    // Auditors, incident responders and break-glass users are all people; reporters are programs.
    const humans = [
        ...new Set([
            ...model.trusted.humanArns,
            ...(model.trusted.incidentResponderArns ?? []),
            ...(model.trusted.breakGlassArns ?? []),
        ]),
    ];
    const programs = model.trusted.reporters;
    const securityAccountId =
        model.securityAccountId ??
        humans[0]?.split(":")[4] ??
        programs[0]?.arn.split(":")[4] ??
        "security";
    const callers: Caller[] = [
        ...humans.map((arn) => ({ arn, human: true, name: arn.split("/").pop() as string })),
        ...programs.map((p) => ({ arn: p.arn, human: false, name: p.name })),
    ];
    const roles = model.roles.filter((r) =>
        r.trust.statements.some((st) =>
            JSON.stringify(st.principal ?? {}).includes(`:iam::${securityAccountId}:`),
        ),
    );
    // Who a trust document admits depends on the document alone; the labels add the role's session.
    const cache = new Map<string, (readonly Statement[])[]>();
    const byAccount = new Map<string, Grant[]>();
    for (const role of roles) {
        const key = JSON.stringify(role.trust.statements);
        let admitted = cache.get(key);
        if (!admitted) {
            admitted = callers.map((c) => admitting(model, role, c.arn, c.human));
            cache.set(key, admitted);
        }
        const grants = byAccount.get(role.accountId) ?? [];
        admitted.forEach((statements, caller) => {
            if (statements.length > 0)
                grants.push({
                    caller,
                    role,
                    conditions: conditionLabels(role, statements).join(", "),
                    restrictions: restrictionsOf(statements),
                });
        });
        byAccount.set(role.accountId, grants);
    }
    // Accounts with the same signature (caller, role name, conditions) have the same access.
    const bySignature = new Map<string, { accounts: string[]; grants: Grant[] }>();
    for (const [account, grants] of byAccount) {
        if (grants.length === 0) continue;
        const signature = grants
            .map(
                (g) =>
                    `${g.caller}\u0000${g.role.name}\u0000${g.conditions}\u0000${g.restrictions}`,
            )
            .sort()
            .join("\u0001");
        const group = bySignature.get(signature);
        if (group) group.accounts.push(account);
        else bySignature.set(signature, { accounts: [account], grants });
    }
    const sortKey = (id: string) => `${names.get(id) ?? "\uffff"}\u0000${id}`;
    const groups = [...bySignature.values()]
        .map((g) => ({
            accounts: [...g.accounts].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
            grants: g.grants,
        }))
        .sort(
            (a, b) =>
                b.accounts.length - a.accounts.length ||
                sortKey(a.accounts[0]).localeCompare(sortKey(b.accounts[0])),
        );
    // Callers with the same access in every group read as one row and one node.
    const byCaller = new Map<string, CallerGroup & { callers: number[] }>();
    callers.forEach((_, caller) => {
        const access = groups.flatMap((g, group) =>
            g.grants
                .filter((x) => x.caller === caller)
                .map((x) => ({
                    group,
                    role: x.role.name,
                    conditions: x.conditions,
                    restrictions: x.restrictions,
                })),
        );
        if (access.length === 0) return;
        const key = JSON.stringify(access);
        const existing = byCaller.get(key);
        if (existing) existing.callers.push(caller);
        else byCaller.set(key, { callers: [caller], access });
    });
    return { securityAccountId, callers, groups, callerGroups: [...byCaller.values()] };
}

/**
 * Mermaid node ids for one diagram: readable (`p_arn_aws_iam__…_user_org_access_alice`), but one
 * per key. Replacing every other character by `_` alone would give `jane.doe` and `jane_doe`, two
 * IAM users, one node; the second key to reach a taken id gets `_2` (`_3`, …) instead.
 */
function nodeIds(): (prefix: string, key: string) => string {
    const byKey = new Map<string, string>();
    const taken = new Set<string>();
    return (prefix, key) => {
        const k = `${prefix}\u0000${key}`;
        const known = byKey.get(k);
        if (known) return known;
        const base = `${prefix}_${key.replace(/[^A-Za-z0-9]/g, "_")}`;
        let id = base;
        for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
        byKey.set(k, id);
        taken.add(id);
        return id;
    };
}

/** Mermaid label text: no double quotes, which would end the label. */
const label = (s: string) => s.replace(/"/g, "'");

const icon = (c: Caller) => (c.human ? "👤" : "⚙️");

/** `612 accounts: prod-a (…), prod-b (…), …` */
function foldLabel(accounts: readonly string[], names: AccountNames): string {
    const shown = accounts.slice(0, NAMES_IN_FOLD).map((a) => names.get(a) ?? a);
    return `${accounts.length} account${accounts.length === 1 ? "" : "s"}: ${shown.join(", ")}${accounts.length > NAMES_IN_FOLD ? ", …" : ""}`;
}

/** One box per account, one node per principal: the diagram of a small organization. */
function detailed(g: AccessGrants, names: AccountNames): string[] {
    const id = nodeIds();
    const lines = ["flowchart LR"];
    lines.push(
        `    subgraph ${id("acct", g.securityAccountId)}["${label(securityLabel(g.securityAccountId, names))}"]`,
    );
    for (const c of g.callers)
        lines.push(`        ${id("p", c.arn)}["${icon(c)} ${label(c.name)}"]`);
    lines.push("    end");
    const edges: string[] = [];
    for (const group of g.groups)
        for (const account of group.accounts) {
            lines.push(
                `    subgraph ${id("acct", account)}["account ${label(accountLabel(account, names))}"]`,
            );
            const roles = [...new Set(group.grants.map((x) => x.role.name))];
            // The group's grants are its first account's; each other account has the same roles.
            const arnOf = (role: string) => {
                const r = group.grants.find((x) => x.role.name === role)!.role;
                return r.arn.replace(`::${r.accountId}:`, `::${account}:`);
            };
            for (const role of roles)
                lines.push(`        ${id("r", arnOf(role))}["${label(role)}"]`);
            lines.push("    end");
            for (const x of group.grants)
                edges.push(
                    `    ${id("p", g.callers[x.caller].arn)} -- "${label(x.conditions)}" --> ${id("r", arnOf(x.role.name))}`,
                );
        }
    return [...lines, ...edges];
}

/**
 * Accounts with the same access folded into one box ("612 accounts: prod-a, prod-b, …"), callers
 * with the same access into one node; the largest groups first, as many as fit under Mermaid's
 * limits, and one note for the groups left out (the table lists them all).
 */
function folded(g: AccessGrants, names: AccountNames): string[] {
    const head = [
        "flowchart LR",
        `    subgraph sec["${label(securityLabel(g.securityAccountId, names))}"]`,
    ];
    g.callerGroups.forEach((cg, i) => {
        const members = cg.callers.map((c) => g.callers[c]);
        const kinds = new Set(members.map(icon));
        const text =
            members.length <= NAMES_IN_FOLD
                ? members.map((m) => `${icon(m)} ${m.name}`).join("<br/>")
                : `${[...kinds].join("")} ${members.length} ${members.every((m) => m.human) ? "people" : "principals"}: ${members
                      .slice(0, NAMES_IN_FOLD)
                      .map((m) => m.name)
                      .join(", ")}, …`;
        head.push(`        c${i}["${label(text)}"]`);
    });
    head.push("    end");
    const body: string[] = [];
    const edges: string[] = [];
    let length = head.join("\n").length;
    let shown = 0;
    for (let gi = 0; gi < g.groups.length; gi++) {
        const group = g.groups[gi];
        const roles = [...new Set(group.grants.map((x) => x.role.name))];
        const block = [
            `    subgraph g${gi}["${label(foldLabel(group.accounts, names))}"]`,
            ...roles.map((role, ri) => `        g${gi}r${ri}["${label(role)}"]`),
            "    end",
        ];
        const groupEdges: string[] = [];
        g.callerGroups.forEach((cg, ci) => {
            for (const a of cg.access.filter((x) => x.group === gi))
                groupEdges.push(
                    `    c${ci} -- "${label(a.conditions)}" --> g${gi}r${roles.indexOf(a.role)}`,
                );
        });
        const added = [...block, ...groupEdges].join("\n").length + 1;
        if (length + added > TEXT_BUDGET || edges.length + groupEdges.length > MERMAID_MAX_EDGES)
            break;
        body.push(...block);
        edges.push(...groupEdges);
        length += added;
        shown++;
    }
    const rest = g.groups.slice(shown);
    if (rest.length > 0) {
        const count = rest.reduce((n, x) => n + x.accounts.length, 0);
        body.push(
            `    more["${count} more account${count === 1 ? "" : "s"} in ${rest.length} other group${rest.length === 1 ? "" : "s"} of access: see the table"]`,
        );
    }
    return [...head, ...body, ...edges];
}

/**
 * The access graph as Mermaid: one box per account while the picture stays readable (at most
 * DETAILED_MAX_EDGES edges), else accounts with the same access folded into one box. Always
 * under Mermaid's default maxTextSize and maxEdges.
 */
export function accessGraph(model: AccessModel, names: AccountNames = new Map()): string {
    return mermaidOf(accessGrants(model, names), names);
}

export function mermaidOf(g: AccessGrants, names: AccountNames): string {
    const edges = g.groups.reduce((n, x) => n + x.grants.length * x.accounts.length, 0);
    if (edges <= DETAILED_MAX_EDGES) {
        const text = detailed(g, names).join("\n");
        if (text.length <= TEXT_BUDGET) return text;
    }
    return folded(g, names).join("\n");
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** Accounts written out in a table cell, up to this many; more go to the groups' list. */
const ACCOUNTS_IN_CELL = 5;

/**
 * The principal-by-account table: one row per group of callers with the same access and per role,
 * the accounts as their group (written out when few), then every group's accounts in full. Rows
 * grow with the people and the distinct kinds of access, not with the accounts.
 */
export function accessTable(g: AccessGrants, names: AccountNames): string[] {
    if (g.groups.length === 0) return [];
    const groupName = (i: number) => `A${i + 1}`;
    const accountsCell = (i: number) => {
        const accounts = g.groups[i].accounts;
        return accounts.length <= ACCOUNTS_IN_CELL
            ? `${groupName(i)}: ${accounts.map((a) => accountLabel(a, names)).join(", ")}`
            : `${groupName(i)}: ${accounts.length} accounts (${accounts
                  .slice(0, NAMES_IN_FOLD)
                  .map((a) => names.get(a) ?? a)
                  .join(", ")}, …)`;
    };
    const out = ["| principals | accounts | role | conditions |", "|---|---|---|---|"];
    for (const cg of g.callerGroups) {
        const who = cg.callers.map((c) => `${icon(g.callers[c])} ${g.callers[c].name}`).join(", ");
        for (const a of cg.access)
            out.push(
                `| ${cell(who)} | ${cell(accountsCell(a.group))} | ${cell(a.role)} | ${cell(a.conditions)} |`,
            );
    }
    out.push(
        "",
        "Accounts by access (the same callers, roles and conditions in each account of a group):",
        "",
    );
    out.push("| group | accounts |", "|---|---|");
    g.groups.forEach((group, i) => {
        if (group.accounts.length <= ACCOUNTS_IN_CELL * 4)
            out.push(
                `| ${groupName(i)} | ${cell(group.accounts.map((a) => accountLabel(a, names)).join(", "))} |`,
            );
        else out.push(`| ${groupName(i)} | ${group.accounts.length} accounts, listed below |`);
    });
    out.push("");
    g.groups.forEach((group, i) => {
        if (group.accounts.length <= ACCOUNTS_IN_CELL * 4) return;
        out.push(
            `<details><summary>${groupName(i)}: ${group.accounts.length} accounts</summary>`,
            "",
            group.accounts.map((a) => accountLabel(a, names)).join(", "),
            "",
            "</details>",
            "",
        );
    });
    return out;
}
