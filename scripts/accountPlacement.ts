// Where a new workload account goes: `account:add` without `--stack` and `account:import` place
// each account into the first provider-mode workload stack file with room under its
// `maxAccountsPerStack` (Pulumi.workload.yaml first, then the Pulumi.workload-<shard>.yaml files in
// natural order: workload-2 before workload-10), and open the next shard when every one is full.
//
// A new shard is named `workload-<n>`, n one more than the highest numbered shard that has a file
// or is listed in the security stack's `workloadStacks` (workload-2 first): a name is never reused
// while anything still refers to it, and the same files always give the same names. Its file is
// Pulumi.workload.yaml's settings (region, security account, audit role, tags, trust, preview role,
// budget: every key but the accounts), so every shard deploys the same program; the security
// stack's `workloadStacks` lists every stack that receives an account, so its groups are granted
// the new roles.
//
// Every resulting file is validated by the program's schema, and the security stack is loaded from
// a staged copy of the project (its checks across every workload stack file: names unique in the
// organization, duty principals, preview roles for CI) before anything is written; the files are
// then written together or not at all (accountMove.ts `writeEdits`).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    accountBudget,
    ConfigError,
    DEFAULT_MAX_ACCOUNTS_PER_STACK,
    DEFAULT_WORKLOAD_STACKS,
    decodeValues,
    howToCreate,
    loadSecurityConfig,
    namespaceValues,
    rawStackValues,
    NAMESPACE,
    parseStackFile,
    stackFilePath,
    StackFileError,
} from "../config";
import { ACCOUNT_ID } from "../config/patterns";
import { isWorkloadStack } from "../stacks/names";
import { AccountCommandError } from "./accountErrors";
import {
    ACCOUNTS,
    FileEdit,
    problemLines,
    securePaths,
    STACKS,
    stackInitCommand,
    workloadProblems,
    YAML_OUT,
} from "./accountMove";
import { freeName } from "../config/errors";

/** The stack whose settings a new shard copies. */
const BASE = "workload";

export interface NewAccount {
    readonly name: string;
    readonly accountId: string;
}

/** A new account and the workload stack (and its file) it goes to. */
export interface Placed extends NewAccount {
    readonly stack: string;
    readonly file: string;
}

export interface Placement {
    readonly placed: readonly Placed[];
    /** Shard stacks whose files this placement creates (each needs a `pulumi stack init`). */
    readonly created: readonly string[];
    /** The `pulumi stack init` of each created shard, with the base stack's secrets provider. */
    readonly stackInit: readonly string[];
    /** Stacks added to the security stack's `workloadStacks`. */
    readonly listed: readonly string[];
    /** Every file written, in order: workload stack files, then Pulumi.security.yaml. */
    readonly edits: readonly FileEdit[];
    readonly notes: readonly string[];
}

type Entry = { name?: unknown; accountId?: unknown };

/** A workload stack file of the project, parsed, with what placement needs of it. */
export interface WorkloadFile {
    readonly stack: string;
    readonly file: string;
    /** Its text on disk; undefined for a shard this placement creates. */
    readonly before?: string;
    readonly doc: YAML.Document;
    readonly entries: Entry[];
    readonly values: Record<string, unknown>;
    /** Its `maxAccountsPerStack` (or the default); undefined in stackset mode, which has none. */
    readonly budget?: number;
}

/** The project's stack files, as placement and import read them. */
export interface Project {
    readonly root: string;
    /** Workload stack files: `workload` first, then the shards in natural order. */
    readonly stacks: readonly WorkloadFile[];
    readonly security?: {
        readonly file: string;
        readonly text: string;
        readonly doc: YAML.Document;
        readonly values: Record<string, unknown>;
    };
}

/** The config values of a stack file's text, without the namespace. */
function valuesOf(text: string, file: string): Record<string, unknown> {
    return namespaceValues(decodeValues(parseStackFile(text, file).config));
}

/** `workload` first, then `workload-2`, `workload-3` ... `workload-10`, then other shard names. */
export function compareStacks(a: string, b: string): number {
    if (a === b) return 0;
    if (a === BASE) return -1;
    if (b === BASE) return 1;
    return a.localeCompare(b, "en", { numeric: true });
}

/**
 * Reads the workload stack files and the security stack file of `root`, collecting every problem
 * (unreadable YAML, an account list that is not a list).
 */
export function readProject(root: string, problems: string[]): Project {
    const stacks: WorkloadFile[] = [];
    const names = fs
        .readdirSync(root)
        .flatMap((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1] ?? [])
        .filter(isWorkloadStack)
        .sort(compareStacks);
    for (const stack of names) {
        const file = stackFilePath(stack, root);
        const text = fs.readFileSync(file, "utf8");
        const parsed = parse(text, path.basename(file), problems);
        if (!parsed) continue;
        const list = parsed.doc.getIn(["config", ACCOUNTS]);
        if (list !== undefined && !YAML.isSeq(list)) {
            problems.push(
                `${path.basename(file)}: ${ACCOUNTS} is not a list; fix the stack file first`,
            );
            continue;
        }
        const unreadable = settingProblems(parsed.values, stack);
        if (unreadable.length > 0) {
            problems.push(...unreadable.map((p) => `${path.basename(file)}: ${p}`));
            continue;
        }
        stacks.push({
            stack,
            file,
            before: text,
            doc: parsed.doc,
            entries: list === undefined ? [] : (list.toJSON() as Entry[]),
            values: parsed.values,
            budget: budgetOf(parsed.values),
        });
    }
    const securityFile = stackFilePath("security", root);
    let security: Project["security"];
    if (fs.existsSync(securityFile)) {
        const text = fs.readFileSync(securityFile, "utf8");
        const parsed = parse(text, "Pulumi.security.yaml", problems);
        if (parsed) security = { file: securityFile, text, ...parsed };
    }
    return { root, stacks, ...(security ? { security } : {}) };
}

function parse(
    text: string,
    file: string,
    problems: string[],
): { doc: YAML.Document; values: Record<string, unknown> } | undefined {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
        problems.push(`${file} is not valid YAML: ${doc.errors[0].message}`);
        return undefined;
    }
    try {
        return { doc, values: valuesOf(text, file) };
    } catch (e) {
        if (!(e instanceof StackFileError)) throw e;
        problems.push(e.message);
        return undefined;
    }
}

/**
 * The settings placement decides by, when it cannot read them: a stack whose mode or budget it
 * cannot tell would otherwise pass for a stackset-mode stack (no budget), and the refusal would
 * blame the wrong thing ("every workload stack is full").
 */
function settingProblems(values: Record<string, unknown>, stack: string): string[] {
    const problems: string[] = [];
    const mode = values.deploymentMode;
    if (mode !== undefined && mode !== "provider" && mode !== "stackset")
        problems.push(
            `${NAMESPACE}:deploymentMode is ${JSON.stringify(mode)}, but it must be provider or stackset (pulumi config set --stack ${stack} ${NAMESPACE}:deploymentMode provider)`,
        );
    if (values.maxAccountsPerStack !== undefined && accountBudget(values) === undefined)
        problems.push(
            `${NAMESPACE}:maxAccountsPerStack is ${JSON.stringify(values.maxAccountsPerStack)}, but it must be a whole number of accounts, at least 1 (pulumi config set --stack ${stack} ${NAMESPACE}:maxAccountsPerStack ${DEFAULT_MAX_ACCOUNTS_PER_STACK}, the default)`,
        );
    return problems;
}

/** A stack's budget: none in stackset mode (one provider whatever the number of accounts). */
function budgetOf(values: Record<string, unknown>): number | undefined {
    return (values.deploymentMode ?? "provider") === "provider" ? accountBudget(values) : undefined;
}

/** Where an account id or name is already listed, across every workload stack file. */
export function listedAccounts(
    project: Project,
): Map<string, { stack: string; name: string; accountId: string; index: number }> {
    const out = new Map<
        string,
        { stack: string; name: string; accountId: string; index: number }
    >();
    for (const s of project.stacks)
        s.entries.forEach((e, index) => {
            const at = {
                stack: s.stack,
                name: String(e.name),
                accountId: String(e.accountId),
                index,
            };
            if (typeof e.accountId === "string" && !out.has(`id:${e.accountId}`))
                out.set(`id:${e.accountId}`, at);
            if (typeof e.name === "string" && !out.has(`name:${e.name}`))
                out.set(`name:${e.name}`, at);
        });
    return out;
}

/** The security stack's `workloadStacks` as listed (or its default), or undefined when malformed. */
function workloadStacksOf(project: Project, problems: string[]): string[] | undefined {
    if (!project.security) return [...DEFAULT_WORKLOAD_STACKS];
    const listed = project.security.doc.getIn(["config", STACKS]);
    if (listed === undefined) return [...DEFAULT_WORKLOAD_STACKS];
    if (!YAML.isSeq(listed)) {
        problems.push(`Pulumi.security.yaml: ${STACKS} is not a list; fix it first`);
        return undefined;
    }
    return (listed.toJSON() as unknown[]).map(String);
}

/** The next shard's name: one more than the highest numbered shard anything refers to. */
export function nextShard(taken: Iterable<string>): string {
    let highest = 1;
    for (const s of taken) {
        const m = /^workload-(\d+)$/.exec(s);
        if (m) highest = Math.max(highest, Number(m[1]));
    }
    return `workload-${highest + 1}`;
}

/** Options of a placement. */
export interface PlaceOptions {
    /** Place every account into this stack (an explicit `--stack`): refused when it has no room. */
    readonly stack?: string;
    /** The command, for messages: `account:add` or `account:import`. */
    readonly command?: string;
}

/**
 * Places `accounts` into the project's stack files and returns the edits, or every problem: an id
 * that is not 12 digits, a name or id already listed (in any workload stack file, or twice in
 * `accounts`), an explicit stack without room, a result the schema refuses.
 */
export function planPlacement(
    project: Project,
    accounts: readonly NewAccount[],
    options: PlaceOptions = {},
): { placement?: Placement; problems: string[] } {
    const problems: string[] = [];
    const notes: string[] = [];
    const listed = listedAccounts(project);
    // Every name a suggested one must avoid: the stack files' and the other new accounts'.
    const names = new Set([
        ...[...listed.values()].map((l) => l.name),
        ...accounts.map((a) => a.name),
    ]);
    const seen = new Map<string, number>();
    accounts.forEach((a, i) => {
        if (!ACCOUNT_ID.test(a.accountId))
            problems.push(
                `"${a.accountId}" is not an AWS account id: it must be exactly 12 digits, e.g. 123456789012`,
            );
        const byName = listed.get(`name:${a.name}`);
        if (byName)
            problems.push(
                `an account named "${a.name}" is already in Pulumi.${byName.stack}.yaml (workloadAccounts[${byName.index}], ${byName.accountId}); choose another name (${freeName(a.name, names)} is free in every stack file) or remove it first`,
            );
        const byId = listed.get(`id:${a.accountId}`);
        if (byId)
            problems.push(
                `account ${a.accountId} is already in Pulumi.${byId.stack}.yaml as "${byId.name}" (workloadAccounts[${byId.index}]); each account is listed once`,
            );
        for (const [key, what] of [
            [`name:${a.name}`, `the name "${a.name}"`],
            [`id:${a.accountId}`, `account ${a.accountId}`],
        ] as const) {
            const first = seen.get(key);
            if (first !== undefined)
                problems.push(`${what} is given twice (accounts ${first + 1} and ${i + 1})`);
            else seen.set(key, i);
        }
    });
    const stacksListed = workloadStacksOf(project, problems);
    if (problems.length > 0 || !stacksListed) return { problems };

    const files = new Map(project.stacks.map((s) => [s.stack, s]));
    const counts = new Map(project.stacks.map((s) => [s.stack, s.entries.length]));
    const created: WorkloadFile[] = [];
    const placed: Placed[] = [];
    const hasRoom = (s: WorkloadFile) => s.budget === undefined || counts.get(s.stack)! < s.budget;

    if (options.stack !== undefined) {
        const target = files.get(options.stack);
        const file = stackFilePath(options.stack, project.root);
        if (!target) {
            problems.push(`${file} does not exist; ${howToCreate(options.stack, project.root)}`);
            return { problems };
        }
        const room = target.budget === undefined ? Infinity : target.budget - target.entries.length;
        if (accounts.length > room)
            problems.push(
                `Pulumi.${target.stack}.yaml is full: it lists ${target.entries.length} accounts and its maxAccountsPerStack is ${target.budget}${target.values.maxAccountsPerStack === undefined ? " (the default)" : ""}, the accounts one CI runner's memory holds (docs/BENCHMARKS.md); leave out --stack and ${options.command ?? "account:add"} places the account in the first stack with room (or opens a shard), or raise the budget on a larger runner: pulumi config set --stack ${target.stack} org-access:maxAccountsPerStack ${target.entries.length + accounts.length}`,
            );
        else
            for (const a of accounts) placed.push({ ...a, stack: target.stack, file: target.file });
    } else {
        // Automatic placement fills provider-mode stacks only: a stackset-mode stack's entries are
        // the accounts people may reach, and the StackSet, not the entry, creates their roles.
        const candidates = project.stacks.filter((s) => s.budget !== undefined);
        const taken = new Set([...project.stacks.map((s) => s.stack), ...stacksListed]);
        for (const a of accounts) {
            let target = candidates.find(hasRoom) ?? created.find(hasRoom);
            if (!target) {
                const shard = newShard(project, nextShard(taken), problems);
                if (!shard) break;
                taken.add(shard.stack);
                created.push(shard);
                counts.set(shard.stack, 0);
                target = shard;
            }
            counts.set(target.stack, counts.get(target.stack)! + 1);
            addEntry(target.doc, a);
            placed.push({ ...a, stack: target.stack, file: target.file });
        }
    }
    if (options.stack !== undefined && problems.length === 0)
        for (const a of accounts) addEntry(files.get(options.stack)!.doc, a);
    if (problems.length > 0) return { problems };

    // Every stack that receives an account is one the security stack grants its groups.
    const receiving = [...new Set(placed.map((p) => p.stack))];
    const unlisted = receiving.filter((s) => !stacksListed.includes(s));
    const edits: FileEdit[] = [];
    for (const s of [...project.stacks, ...created])
        if (receiving.includes(s.stack))
            edits.push({
                file: s.file,
                ...(s.before !== undefined ? { before: s.before } : {}),
                after: s.doc.toString(YAML_OUT),
            });
    if (unlisted.length > 0) {
        if (!project.security)
            problems.push(
                `${stackFilePath("security", project.root)} does not exist, and its workloadStacks must list ${unlisted.join(", ")} so the security stack's groups are granted the new accounts' roles: create the security stack's file first`,
            );
        else {
            const doc = project.security.doc;
            const list = doc.getIn(["config", STACKS]);
            if (YAML.isSeq(list)) for (const s of unlisted) list.add(s);
            else {
                doc.setIn(["config", STACKS], doc.createNode([...stacksListed, ...unlisted]));
                const pair = (doc.get("config") as YAML.YAMLMap).items.find(
                    (p) => (YAML.isScalar(p.key) ? p.key.value : p.key) === STACKS,
                );
                if (pair) {
                    const k = doc.createNode(STACKS);
                    k.commentBefore =
                        " The workload stacks whose roles the security groups may assume (docs/accounts.md#adding-or-removing-a-workload-account).";
                    pair.key = k;
                }
            }
            edits.push({
                file: project.security.file,
                before: project.security.text,
                after: doc.toString(YAML_OUT),
            });
        }
    }
    const baseText = project.stacks.find((s) => s.stack === BASE)?.before;
    const stackInit = created.map((s) => stackInitCommand(s.stack, baseText));
    created.forEach((s, i) =>
        notes.push(
            `Pulumi.${s.stack}.yaml is a new shard with Pulumi.${BASE}.yaml's settings: create its stack before its first preview (${stackInit[i]})`,
        ),
    );

    // Each result, checked by the program's own schema, then the security stack across them all.
    for (const e of edits)
        if (e.file !== project.security?.file && e.after !== null)
            problems.push(
                ...workloadProblems(
                    e.after,
                    path.basename(e.file).replace(/^Pulumi\.|\.yaml$/g, ""),
                ),
            );
    if (problems.length === 0 && project.security)
        problems.push(...securityProblems(project, edits));
    if (problems.length > 0) return { problems };
    return {
        placement: {
            placed,
            created: created.map((s) => s.stack),
            stackInit,
            listed: unlisted,
            edits,
            notes,
        },
        problems,
    };
}

/** Adds one entry; the id is a quoted string (an unquoted YAML number loses leading zeros). */
function addEntry(doc: YAML.Document, a: NewAccount): void {
    const entry = doc.createNode({ name: a.name, accountId: a.accountId });
    const id = entry.get("accountId", true);
    if (YAML.isScalar(id)) id.type = "QUOTE_DOUBLE";
    const list = doc.getIn(["config", ACCOUNTS]);
    if (YAML.isSeq(list)) list.add(entry);
    else doc.setIn(["config", ACCOUNTS], doc.createNode([entry]));
}

/**
 * A new shard's file: the base stack's settings (every config key but the accounts; the list node
 * stays, with the comment above it), none of its secrets-provider keys (`pulumi stack init` writes
 * the new stack's). A `secure:` value cannot be copied: it is ciphertext of the base stack's
 * secrets provider.
 */
function newShard(project: Project, stack: string, problems: string[]): WorkloadFile | undefined {
    const base = project.stacks.find((s) => s.stack === BASE);
    if (!base || base.before === undefined || base.budget === undefined) {
        problems.push(
            base
                ? `every workload stack is full, and Pulumi.${BASE}.yaml, whose settings a new shard copies, is in stackset mode: create Pulumi.${stack}.yaml yourself (provider mode), then run the command again`
                : `every workload stack is full, and there is no Pulumi.${BASE}.yaml whose settings a new shard would copy: create Pulumi.${stack}.yaml yourself, then run the command again`,
        );
        return undefined;
    }
    const doc = YAML.parseDocument(base.before);
    for (const k of (doc.contents as YAML.YAMLMap).items.map((p) => p.key))
        if (!(YAML.isScalar(k) && k.value === "config")) doc.delete(k);
    const config = (doc.get("config") as YAML.YAMLMap).toJSON() as Record<string, unknown>;
    const secrets = Object.entries(config)
        .filter(([k]) => k !== ACCOUNTS)
        .flatMap(([k, v]) => securePaths(v, k));
    for (const p of secrets)
        problems.push(
            `${p} in Pulumi.${BASE}.yaml is encrypted for ${BASE}'s secrets provider, so it cannot be copied into a new Pulumi.${stack}.yaml: create the stack (${stackInitCommand(stack, base.before)}), copy the settings (pulumi config cp --stack ${BASE} --dest ${stack}), remove its accounts, then run the command again`,
        );
    if (secrets.length > 0) return undefined;
    const list = doc.getIn(["config", ACCOUNTS]);
    if (YAML.isSeq(list)) list.items = [];
    // The base file's header describes the base stack; the shard gets its own.
    // YAML attaches it to the document, its top map or the first key, whichever it precedes.
    const top = doc.contents as YAML.YAMLMap;
    top.commentBefore = null;
    const firstKey = top.items[0]?.key;
    if (YAML.isNode(firstKey)) firstKey.commentBefore = null;
    doc.commentBefore = ` ${stack}: a shard of the workload stack, created with Pulumi.${BASE}.yaml's settings (docs/accounts.md#adding-or-removing-a-workload-account).`;
    return {
        stack,
        file: stackFilePath(stack, project.root),
        doc,
        entries: [],
        values: base.values,
        budget: base.budget,
    };
}

/**
 * The security stack loaded from a staged copy of the project with the edits: its checks across
 * every workload stack file it lists. Example (`REPLACE-ME`) values pass here, as in the offline
 * plan; `pulumi preview` refuses them.
 */
function securityProblems(project: Project, edits: readonly FileEdit[]): string[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-place-"));
    try {
        for (const f of fs.readdirSync(project.root))
            if (/^Pulumi\..+\.yaml$/.test(f))
                fs.copyFileSync(path.join(project.root, f), path.join(dir, f));
        for (const e of edits)
            if (e.after !== null) fs.writeFileSync(path.join(dir, path.basename(e.file)), e.after);
        const text = fs.readFileSync(path.join(dir, "Pulumi.security.yaml"), "utf8");
        const { config } = parseStackFile(text, "Pulumi.security.yaml");
        loadSecurityConfig("security", rawStackValues(decodeValues(config)), dir, {
            allowPlaceholders: true,
        });
        return [];
    } catch (e) {
        if (e instanceof ConfigError)
            return [`the security stack would be invalid:\n  ${problemLines(e)}`];
        throw e;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** One problem as it is; several under a header that says nothing was written. */
export function refusal(command: string, problems: readonly string[]): AccountCommandError {
    return new AccountCommandError(
        problems.length === 1
            ? problems[0]
            : `${command} refused, nothing written (${problems.length} problems):\n${problems.map((p) => `* ${p}`).join("\n")}`,
    );
}

/**
 * Places `accounts` into the stack files of `root` (see planPlacement) without writing anything;
 * throws an AccountCommandError with every problem. `writeEdits` writes the result.
 */
export function placeAccounts(
    root: string,
    accounts: readonly NewAccount[],
    options: PlaceOptions = {},
): Placement {
    const problems: string[] = [];
    const project = readProject(root, problems);
    if (problems.length > 0) throw refusal(options.command ?? "account:add", problems);
    const result = planPlacement(project, accounts, options);
    if (!result.placement) throw refusal(options.command ?? "account:add", result.problems);
    return result.placement;
}
