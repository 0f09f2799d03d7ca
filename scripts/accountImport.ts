// `npx org-access account import FILE [--ou OU_ID=FILE ...] [--name-pattern GLOB ...] [--write]`
//
// Onboards the accounts of an organization from the JSON that `aws organizations list-accounts`
// prints: each new account gets an entry (a config name derived from its AWS name) in the first
// workload stack file with room (scripts/accountPlacement.ts). It skips, and reports, the accounts
// that are not ACTIVE, the security, management and log-archive accounts (read from
// Pulumi.security.yaml) and the accounts already in a workload stack file. Dry run by default: it
// prints what goes where and the diff of every file; `--write` writes them, all or none.
//
// As a library (the benchmark onboards an organization into a temporary project this way):
// `importAccounts(listingText, {}, root)` returns the plan without writing, and
// `writeEdits(plan.edits)` (scripts/accountMove.ts) writes its files.
//
// Facts this relies on:
// - The AWS CLI follows NextToken itself and prints one `{"Accounts": [...]}` for the whole
//   organization unless told otherwise (`--no-paginate`, `--max-items`), when each page carries a
//   NextToken (https://awscli.amazonaws.com/v2/documentation/api/2.0.34/reference/organizations/list-accounts.html).
//   Pages saved one after another in one file are read in turn; a listing whose last page still
//   has a NextToken is incomplete and refused.
// - An account's `Status` (ACTIVE | SUSPENDED | PENDING_CLOSURE) is retired on September 9, 2026 in
//   favour of `State` (PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED)
//   (https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/organizations/aws.sdk.kotlin.services.organizations.model/-list-accounts-response/accounts.html,
//   https://docs.aws.amazon.com/botocore/latest/reference/services/organizations/paginator/ListAccounts.html,
//   and the `Account` type of @aws-sdk/client-organizations 3.1169):
//   `State` is read when present, `Status` otherwise, and only ACTIVE is imported.
// - `list-accounts` says nothing of OUs. `list-accounts-for-parent --parent-id ou-...` lists the
//   accounts directly in that OU or root, not those of its child OUs
//   (https://docs.amazonaws.cn/goto/aws-cli/organizations-2016-11-28/ListAccountsForParent), and
//   does not repeat the parent's id in its output: `--ou OU_ID=FILE` names both, and an account
//   passes the OU filter when it is listed in one of those files.
import * as path from "path";
import { NAMESPACE } from "../config";
import { ACCOUNT_ID, ACCOUNT_NAME, OU_OR_ROOT } from "../config/patterns";
import { ACCOUNT_NAME_PREFIX } from "../stacks/resourceNames";
import { lineDiff } from "./accountMove";
import {
    listedAccounts,
    NewAccount,
    Placed,
    Placement,
    planPlacement,
    readProject,
    refusal,
} from "./accountPlacement";

/** One account of a listing, as `aws organizations list-accounts` prints it. */
export interface OrgAccount {
    readonly Id: string;
    readonly Name: string;
    /** State, or the retired Status where the listing has no State. */
    readonly state: string;
}

/** The listing of one OU: `aws organizations list-accounts-for-parent --parent-id OU_ID` output. */
export interface OuListing {
    readonly ouId: string;
    readonly text: string;
    /** Where the text came from, for messages (its file name). */
    readonly source?: string;
}

export interface ImportOptions {
    /** Only accounts listed in one of these OUs' listings (any of them). */
    readonly ous?: readonly OuListing[];
    /** Only accounts whose AWS name matches one of these globs (`*`, `?`; case-insensitive). */
    readonly namePatterns?: readonly string[];
    /** Where the listing came from, for messages (its file name). */
    readonly source?: string;
}

/** An account of the listing that is not imported, and why. */
export interface Skipped {
    readonly accountId: string;
    readonly awsName: string;
    readonly reason: string;
}

export interface ImportPlan extends Placement {
    /** Accounts in the listing. */
    readonly total: number;
    /** The AWS name of each placed account, by id. */
    readonly awsNames: ReadonlyMap<string, string>;
    readonly skipped: readonly Skipped[];
    /** Accounts left out by `--ou` and by `--name-pattern`. */
    readonly filtered: { readonly ou: number; readonly namePattern: number };
}

/**
 * The JSON values of a text, one after another (pages of a paginated listing saved to one file),
 * or the problems: where a value does not parse.
 */
export function jsonValues(raw: string, source: string): { values: unknown[]; problems: string[] } {
    // A byte-order mark (some Windows shells write one on redirection) is not JSON.
    const text = raw.replace(/^\uFEFF/, "");
    const values: unknown[] = [];
    let i = 0;
    const lineAt = (k: number) => text.slice(0, k).split("\n").length;
    for (;;) {
        while (i < text.length && /\s/.test(text[i])) i++;
        if (i >= text.length) break;
        const start = i;
        // A value ends where its brackets close (outside strings); a scalar runs to whitespace.
        if (text[i] === "{" || text[i] === "[") {
            let depth = 0;
            let inString = false;
            for (; i < text.length; i++) {
                const c = text[i];
                if (inString) {
                    if (c === "\\") i++;
                    else if (c === '"') inString = false;
                } else if (c === '"') inString = true;
                else if (c === "{" || c === "[") depth++;
                else if (c === "}" || c === "]") {
                    depth--;
                    if (depth === 0) {
                        i++;
                        break;
                    }
                }
            }
        } else while (i < text.length && !/\s/.test(text[i])) i++;
        try {
            values.push(JSON.parse(text.slice(start, i)));
        } catch (e) {
            return {
                values,
                problems: [
                    `${source} is not valid JSON (the value that starts on line ${lineAt(start)}): ${(e as Error).message}; give the output of aws organizations list-accounts as it is printed (--output json)`,
                ],
            };
        }
    }
    if (values.length === 0) return { values, problems: [`${source} is empty`] };
    return { values, problems: [] };
}

/**
 * The accounts of a listing: one or more pages of `{"Accounts": [...], "NextToken"?}`. Every
 * problem is collected: a value that is not a page, an incomplete listing, an account without an
 * id, a name or a state, an account listed twice.
 */
export function parseListing(
    text: string,
    source: string,
): { accounts: OrgAccount[]; problems: string[] } {
    const { values, problems } = jsonValues(text, source);
    const accounts: OrgAccount[] = [];
    const first = new Map<string, number>();
    values.forEach((page, p) => {
        const at = values.length === 1 ? source : `${source}, page ${p + 1}`;
        const list = (page as { Accounts?: unknown } | null)?.Accounts;
        if (
            typeof page !== "object" ||
            page === null ||
            Array.isArray(page) ||
            !Array.isArray(list)
        ) {
            problems.push(
                `${at} is not the output of aws organizations list-accounts: expected an object {"Accounts": [...]}${Array.isArray(page) ? " (a bare list: run the command without --query)" : ""}`,
            );
            return;
        }
        list.forEach((a: unknown, k) => {
            const o = (typeof a === "object" && a !== null ? a : {}) as Record<string, unknown>;
            const where = `${at}: Accounts[${k}]`;
            const id = o.Id;
            const state = o.State ?? o.Status;
            const bad: string[] = [];
            if (typeof id !== "string" || !ACCOUNT_ID.test(id))
                bad.push(`its Id ${JSON.stringify(id)} is not a 12-digit account id`);
            if (typeof o.Name !== "string") bad.push("it has no Name");
            if (typeof state !== "string") bad.push("it has neither State nor Status");
            if (bad.length > 0) {
                problems.push(`${where}: ${bad.join("; ")}`);
                return;
            }
            const seen = first.get(id as string);
            if (seen !== undefined) {
                problems.push(
                    `${where}: account ${String(id)} is listed twice (also as account ${seen + 1}); save each page once`,
                );
                return;
            }
            first.set(id as string, accounts.length);
            accounts.push({ Id: id as string, Name: o.Name as string, state: state as string });
        });
    });
    const last = values.at(-1) as { NextToken?: unknown } | undefined;
    if (
        problems.length === 0 &&
        typeof last === "object" &&
        last !== null &&
        typeof last.NextToken === "string" &&
        last.NextToken !== ""
    )
        problems.push(
            `${source} is incomplete: its last page has a NextToken, so the organization has more accounts; run the command without --max-items or --no-paginate (the AWS CLI then follows every page)`,
        );
    return { accounts, problems };
}

/** A glob (`*` any run of characters, `?` one) as a whole-name, case-insensitive RegExp. */
export function globPattern(glob: string): RegExp {
    const body = glob
        .split("")
        .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[\\^$.|+()[\]{}]/g, "\\$&")))
        .join("");
    return new RegExp(`^${body}$`, "i");
}

/** At most `max` characters, without a trailing '-'. */
function cut(name: string, max: number): string {
    return name.slice(0, max).replace(/-+$/, "");
}

/**
 * The config name of an account from its AWS name: lowercase, every run of other characters
 * (spaces, '_', '.', accents...) one '-', 63 characters at most, as `workloadAccounts[i].name`
 * requires. A name that would start `acct-`, the prefix of the names derived from account ids
 * (stacks/resourceNames.ts), starts `account-` instead; a name with nothing left is
 * `account-<id>`. A name already taken gets the id's last four digits, then the whole id.
 */
export function configName(awsName: string, accountId: string, taken: ReadonlySet<string>): string {
    let base = awsName
        .normalize("NFKD")
        .replace(/[\u0300-\u036f]/g, "")
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-+|-+$/g, "");
    if (base.startsWith(ACCOUNT_NAME_PREFIX))
        base = `account-${base.slice(ACCOUNT_NAME_PREFIX.length)}`;
    base = cut(base, 63) || `account-${accountId}`;
    for (const name of [
        base,
        `${cut(base, 58) || "account"}-${accountId.slice(-4)}`,
        `${cut(base, 50) || "account"}-${accountId}`,
    ])
        if (!taken.has(name) && ACCOUNT_NAME.test(name)) return name;
    // Only a name taken by another entry of the same id could get here; placement refuses that.
    return `account-${accountId}`;
}

/** The ids of the security stack's own accounts: never workload accounts. */
function ownAccounts(values: Record<string, unknown>): Map<string, string> {
    const out = new Map<string, string>();
    const idOf = (v: unknown) =>
        typeof v === "object" && v !== null ? (v as { accountId?: unknown }).accountId : undefined;
    for (const [id, what] of [
        [values.securityAccountId, "the security account"],
        [idOf(values.managementAccount), "the management account"],
        [idOf(values.logArchiveAccount), "the log-archive account"],
    ] as const)
        if (typeof id === "string" && !out.has(id)) out.set(id, what);
    return out;
}

/**
 * What importing `listing` into the stack files of `root` does, without writing anything: the
 * accounts placed (with their stack), the accounts skipped and why, the file edits. Throws an
 * AccountCommandError with every problem of the listing, the OU listings and the placement.
 */
export function importAccounts(listing: string, options: ImportOptions, root: string): ImportPlan {
    const source = options.source ?? "the listing";
    const problems: string[] = [];
    const { accounts, problems: listingProblems } = parseListing(listing, source);
    problems.push(...listingProblems);

    // The OU filter: the accounts of the OU listings, each of which must be in the listing.
    let inOus: Set<string> | undefined;
    if (options.ous && options.ous.length > 0) {
        inOus = new Set();
        const ids = new Set(accounts.map((a) => a.Id));
        for (const ou of options.ous) {
            const at = ou.source ?? `the listing of ${ou.ouId}`;
            if (!OU_OR_ROOT.test(ou.ouId)) {
                problems.push(
                    `--ou "${ou.ouId}" is not an OU id (ou-ab12-cdefgh34) or a root id (r-ab12)`,
                );
                continue;
            }
            const parsed = parseListing(ou.text, at);
            problems.push(...parsed.problems);
            for (const a of parsed.accounts) {
                inOus.add(a.Id);
                if (listingProblems.length === 0 && !ids.has(a.Id))
                    problems.push(
                        `${at} lists ${a.Id} (${a.Name}), which ${source} does not: take both listings at the same time`,
                    );
            }
        }
    }
    const patterns = (options.namePatterns ?? []).map(globPattern);

    const projectProblems: string[] = [];
    const project = readProject(root, projectProblems);
    problems.push(...projectProblems);
    if (!project.security)
        problems.push(
            `${path.join(root, "Pulumi.security.yaml")} does not exist: account:import reads the security, management and log-archive accounts there, to leave them out`,
        );
    const own = ownAccounts(project.security?.values ?? {});
    const listed = listedAccounts(project);
    const taken = new Set(project.stacks.flatMap((s) => s.entries.map((e) => String(e.name))));

    const skipped: Skipped[] = [];
    const filtered = { ou: 0, namePattern: 0 };
    const toPlace: NewAccount[] = [];
    const awsNames = new Map<string, string>();
    for (const a of accounts) {
        const skip = (reason: string) => skipped.push({ accountId: a.Id, awsName: a.Name, reason });
        const there = listed.get(`id:${a.Id}`);
        if (there) skip(`already in Pulumi.${there.stack}.yaml as "${there.name}"`);
        else if (own.has(a.Id)) skip(`${own.get(a.Id)} (Pulumi.security.yaml)`);
        else if (a.state !== "ACTIVE") skip(`${a.state}, not ACTIVE`);
        else if (inOus && !inOus.has(a.Id)) filtered.ou++;
        else if (patterns.length > 0 && !patterns.some((p) => p.test(a.Name)))
            filtered.namePattern++;
        else {
            const name = configName(a.Name, a.Id, taken);
            taken.add(name);
            awsNames.set(a.Id, a.Name);
            toPlace.push({ name, accountId: a.Id });
        }
    }
    // Entries of the stack files that the organization no longer lists: closed, or gone.
    const inListing = new Set(accounts.map((a) => a.Id));
    const notes: string[] = [];
    if (listingProblems.length === 0)
        for (const s of project.stacks)
            for (const e of s.entries)
                if (typeof e.accountId === "string" && !inListing.has(e.accountId))
                    notes.push(
                        `${String(e.name)} (${e.accountId}) in Pulumi.${s.stack}.yaml is not in ${source}: if it left the organization, remove it (npx org-access account remove --name ${String(e.name)} -s ${s.stack})`,
                    );

    if (problems.length > 0 || toPlace.length === 0) {
        if (problems.length > 0) throw refusal("account:import", problems);
        return {
            placed: [],
            created: [],
            stackInit: [],
            listed: [],
            edits: [],
            notes,
            total: accounts.length,
            awsNames,
            skipped,
            filtered,
        };
    }
    const result = planPlacement(project, toPlace, { command: "account:import" });
    if (!result.placement) throw refusal("account:import", result.problems);
    return {
        ...result.placement,
        notes: [...result.placement.notes, ...notes],
        total: accounts.length,
        awsNames,
        skipped,
        filtered,
    };
}

/** What to print: what goes where, what is skipped and why, the diffs, and what to run next. */
export function renderImport(plan: ImportPlan, written: boolean): string {
    const byStack = new Map<string, Placed[]>();
    for (const p of plan.placed) byStack.set(p.stack, [...(byStack.get(p.stack) ?? []), p]);
    const out: string[] = [
        `account:import: ${plan.placed.length} of ${plan.total} accounts to add${written ? "" : " (dry run: nothing written; --write writes the files)"}`,
    ];
    for (const [stack, placed] of byStack) {
        out.push(`Pulumi.${stack}.yaml${plan.created.includes(stack) ? " (new)" : ""}:`);
        for (const p of placed)
            out.push(`  + ${p.name} (${p.accountId}, "${plan.awsNames.get(p.accountId) ?? ""}")`);
    }
    if (plan.listed.length > 0)
        out.push(`Pulumi.security.yaml: ${NAMESPACE}:workloadStacks += ${plan.listed.join(", ")}`);
    if (plan.skipped.length > 0) {
        out.push(`skipped (${plan.skipped.length}):`);
        for (const s of plan.skipped) out.push(`  - ${s.accountId} "${s.awsName}": ${s.reason}`);
    }
    if (plan.filtered.ou > 0) out.push(`left out by --ou: ${plan.filtered.ou}`);
    if (plan.filtered.namePattern > 0)
        out.push(`left out by --name-pattern: ${plan.filtered.namePattern}`);
    if (plan.edits.length > 0) {
        out.push("");
        for (const e of plan.edits) out.push(lineDiff(path.basename(e.file), e.before, e.after));
    }
    out.push(...plan.notes.map((n) => `note: ${n}`));
    if (plan.placed.length > 0) {
        const stacks = [...byStack.keys()];
        out.push(
            "",
            `${written ? "Next" : "Then, after --write"}: ${plan.stackInit.map((c) => `${c}; `).join("")}npx org-access (the offline plan of every stack), then pulumi preview --policy-pack policypack --policy-pack-config policypack/policy-config.json and pulumi up for ${stacks.join(", ")}, then security (its groups' grants follow the stack files).`,
        );
    }
    return out.join("\n");
}
