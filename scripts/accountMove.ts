// `npx org-access account move --name NAME (or --id ACCOUNT_ID) --from STACK --to STACK [--write]`
//
// Moves one workload account between two workload stacks without touching AWS: its entry leaves
// Pulumi.<from>.yaml and joins Pulumi.<to>.yaml (comments and order kept, with the yaml Document
// API), the security stack's `workloadStacks` lists <to>, and the `pulumi state move` command that
// carries the account's resources from one stack's state to the other's is computed from the
// plans, not from the names the program happens to give them. Everything is checked before
// anything is written, and the three files are written together or not at all.
//
// Facts about `pulumi state move` this relies on (https://www.pulumi.com/docs/iac/cli/commands/pulumi_state_move/,
// https://www.pulumi.com/blog/move-resources-between-stacks/, pulumi/pulumi/pkg/cmd/pulumi/state/state_move.go):
// - flags `--source`, `--dest` (fully qualified `org/project/stack` names), `--include-parents`, `--yes`;
//   both stacks must live in the same backend; it rewrites the two states only, never the cloud;
// - every child of a named resource moves with it; parents do not (unless `--include-parents`), and
//   a moved resource whose parent stays is re-parented onto the destination's root stack;
// - providers are never moved: naming one is an error ("cannot move providers", pulumi/pulumi#16722,
//   July 2024); the providers of the moved resources are copied into the destination and the
//   source keeps its copy (a copy whose URN the destination already holds with other inputs is an
//   error, pulumi/pulumi#16983);
// - a moved resource's URN keeps its type, parent types and name and takes the destination's stack
//   name, and the move fails if the destination already holds that URN.
// The command was unhidden by pulumi/pulumi#16630 (July 2024); the announcement waited for CLI
// v3.127.0 (pulumi/pulumi#16788), which fixed how it reports broken dependencies and what stays in
// the source, so the printed steps ask for 3.127.0 or later.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
    ConfigError,
    decodeValues,
    DEFAULT_WORKLOAD_STACKS,
    formatProblems,
    loadSecurityConfig,
    namespaceValues,
    rawStackValues,
    NAMESPACE,
    parseStackFile,
    stackFilePath,
    validateSecurityConfig,
    validateWorkloadConfig,
} from "../config";
import { accountResources } from "../plan/accountResources";
import { ownType, urnInStack } from "../plan/urn";
import { diffStack } from "../plan/diff";
import {
    needsSecurityOutputs,
    ORGANIZATION,
    planStack,
    PlannedResource,
    PlanResult,
    PROJECT,
} from "../plan/run";
import { securityStack } from "../stacks/security";
import { AccountCommandError } from "./accountErrors";

export const ACCOUNTS = `${NAMESPACE}:workloadAccounts`;
export const STACKS = `${NAMESPACE}:workloadStacks`;
/** `[alice]` stays `[alice]`: the yaml library pads flow collections (`[ alice ]`) by default. */
export const YAML_OUT = { flowCollectionPadding: false } as const;

export interface MoveOptions {
    /** The account to move, by its name or by its id. */
    readonly account: { readonly name: string } | { readonly accountId: string };
    readonly from: string;
    readonly to: string;
    /** Organization of the fully qualified stack names (`org/org-access/<stack>`). */
    readonly org?: string;
}

/**
 * One file the move writes: its text before (absent for a file it creates) and after (null for a
 * file it deletes: the source stack's, when the move takes its last account).
 */
export interface FileEdit {
    readonly file: string;
    readonly before?: string;
    readonly after: string | null;
}

/** What a move does: the file edits, the state to move, and what the destination changes in place. */
export interface MovePlan {
    readonly name: string;
    readonly accountId: string;
    readonly from: string;
    readonly to: string;
    readonly org: string;
    /** The move takes the source's last account: its file goes, and the stack is removed after. */
    readonly emptied: boolean;
    readonly edits: readonly FileEdit[];
    /** The account's resources in the source stack, providers excluded, in plan order. */
    readonly moved: readonly PlannedResource[];
    /** The account's providers: copied by `pulumi state move`, never named. */
    readonly providers: readonly PlannedResource[];
    /** URNs the destination program declares for the account beyond those moved: created by its next `pulumi up`. */
    readonly created: readonly string[];
    /** Resources of the two workload stacks updated in place after the move, with the inputs that change. */
    readonly updates: readonly { readonly urn: string; readonly inputs: readonly string[] }[];
    /** What the security stack's next `pulumi up` changes (never a deletion or a replacement). */
    readonly security: Changes;
    readonly notes: readonly string[];
    /**
     * The source's stack references (the security stack's, for the trusted principals): the moved
     * roles' inputs come from one, which stays in the source, so `pulumi state move` reports those
     * dependencies as broken; the destination declares its own reference of the same name.
     */
    readonly references: readonly string[];
}

type Entry = { name?: unknown; accountId?: unknown };

function parseDoc(text: string, file: string, problems: string[]): YAML.Document | undefined {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) {
        problems.push(`${file} is not valid YAML: ${doc.errors[0].message}`);
        return undefined;
    }
    return doc;
}

function entriesOf(doc: YAML.Document, file: string, problems: string[]): Entry[] | undefined {
    const list = doc.getIn(["config", ACCOUNTS]);
    if (list === undefined) return [];
    if (!YAML.isSeq(list)) {
        problems.push(`${file}: ${ACCOUNTS} is not a list; fix the stack file first`);
        return undefined;
    }
    return list.toJSON() as Entry[];
}

const describeAccount = (a: MoveOptions["account"]) =>
    "name" in a ? `named "${a.name}"` : `with id ${a.accountId}`;

/** The workload stack files of the project folder, by stack name. */
function workloadStackFiles(root: string): string[] {
    return fs
        .readdirSync(root)
        .flatMap((f) => /^Pulumi\.(workload(?:-[A-Za-z0-9_.-]+)?)\.yaml$/.exec(f)?.[1] ?? []);
}

/** A stack file's text validated with the program's schema; each problem as one line. */
export function workloadProblems(text: string, stack: string): string[] {
    const { config } = parseStackFile(text, `Pulumi.${stack}.yaml`);
    try {
        validateWorkloadConfig(rawStackValues(decodeValues(config)), stack);
        return [];
    } catch (e) {
        if (e instanceof ConfigError)
            return [`Pulumi.${stack}.yaml would be invalid:\n  ${problemLines(e)}`];
        throw e;
    }
}

export function problemLines(e: ConfigError): string {
    // Printed by a command, not by `pulumi up` of that stack: every hint names its stack.
    const { stackName, problems } = e.pinned();
    return formatProblems(stackName, problems).split("\n").slice(1).join("\n  ");
}

/** The three texts after the move, or every reason it cannot be made. */
interface Edited {
    readonly name: string;
    readonly accountId: string;
    readonly source: FileEdit;
    readonly target: FileEdit;
    readonly security: FileEdit;
    readonly notes: string[];
    readonly emptied: boolean;
}

/**
 * Edits the texts of the three stack files, collecting every problem: the account and the stacks
 * are checked against every workload stack file of `root`, and each result against the schema.
 */
export function editStackFiles(options: MoveOptions, root: string): Edited {
    const problems: string[] = [];
    const notes: string[] = [];
    const { from, to } = options;
    const fromFile = stackFilePath(from, root);
    const toFile = stackFilePath(to, root);
    const securityFile = stackFilePath("security", root);
    if (from === to) problems.push(`--from and --to are the same stack ("${from}")`);
    if (!fs.existsSync(fromFile))
        problems.push(`${fromFile} does not exist; --from must name an existing workload stack`);
    if (!fs.existsSync(securityFile))
        problems.push(
            `${securityFile} does not exist; its workloadStacks must list the destination, so the security stack's groups keep their grants`,
        );
    if (problems.length > 0) throw refusal(problems);

    const fromText = fs.readFileSync(fromFile, "utf8");
    const toText = fs.existsSync(toFile) ? fs.readFileSync(toFile, "utf8") : undefined;
    const securityText = fs.readFileSync(securityFile, "utf8");
    const fromDoc = parseDoc(fromText, path.basename(fromFile), problems);
    const toDoc =
        toText !== undefined ? parseDoc(toText, path.basename(toFile), problems) : undefined;
    const securityDoc = parseDoc(securityText, path.basename(securityFile), problems);
    const fromEntries = fromDoc && entriesOf(fromDoc, path.basename(fromFile), problems);
    const toEntries = toDoc ? entriesOf(toDoc, path.basename(toFile), problems) : [];
    if (!fromDoc || !fromEntries || !securityDoc || !toEntries || (toText !== undefined && !toDoc))
        throw refusal(problems);

    const key = "name" in options.account ? "name" : "accountId";
    const wanted = "name" in options.account ? options.account.name : options.account.accountId;
    const index = fromEntries.findIndex((a) => a[key] === wanted);
    if (index < 0) {
        problems.push(
            `no account ${describeAccount(options.account)} in Pulumi.${from}.yaml; its accounts are: ${fromEntries.map((a) => `${String(a.name)} (${String(a.accountId)})`).join(", ") || "none"}`,
        );
        throw refusal(problems);
    }
    const name = String(fromEntries[index].name);
    const accountId = String(fromEntries[index].accountId);

    // Every other workload stack file: an account is listed once in the whole organization.
    for (const stack of workloadStackFiles(root)) {
        if (stack === from) continue;
        const file = `Pulumi.${stack}.yaml`;
        const doc =
            stack === to
                ? toDoc
                : parseDoc(fs.readFileSync(path.join(root, file), "utf8"), file, problems);
        const entries = doc && (stack === to ? toEntries : entriesOf(doc, file, problems));
        entries?.forEach((a, i) => {
            if (a.accountId === accountId)
                problems.push(
                    `account ${accountId} is already in ${file} as "${String(a.name)}" (workloadAccounts[${i}]); each account is listed in one workload stack only: remove one of the two entries first`,
                );
            else if (a.name === name)
                problems.push(
                    `an account named "${name}" is already in ${file} (workloadAccounts[${i}], ${String(a.accountId)}); account names are unique across the organization: rename one of them first (docs/accounts.md#moving-an-account-between-stacks)`,
                );
        });
    }

    // A `secure:` value is ciphertext of the source stack's secrets provider, which the
    // destination cannot decrypt (each stack has its own key or salt): it cannot travel as it is.
    const secrets = securePaths(fromEntries[index], `workloadAccounts[${index}]`);
    for (const p of secrets)
        problems.push(
            `${p} in Pulumi.${from}.yaml is encrypted for ${from}'s secrets provider, which ${to} cannot decrypt: note its value (pulumi config get --stack ${from} --path '${NAMESPACE}:${p}'), remove it (pulumi config rm --stack ${from} --path '${NAMESPACE}:${p}'), run account:move again, then set it again in ${to} with pulumi config set --secret --stack ${to} --path on ${NAMESPACE}:workloadAccounts[N].${p.split(".").pop()}, N being the moved entry's index there, followed by the value`,
        );

    // The entry node itself moves, so its comments and every setting of it go along. A comment
    // above the first entry belongs to the list (YAML attaches it to the sequence) and stays.
    const fromList = fromDoc.getIn(["config", ACCOUNTS]) as YAML.YAMLSeq;
    const entry = fromList.items[index];
    fromList.delete(index);
    // The last account leaves: the shard is retired rather than left invalid (a workload stack
    // lists at least one account). `workload` itself stays: it is the security stack's default
    // workloadStacks.
    const emptied = fromList.items.length === 0;
    if (emptied && from === "workload")
        problems.push(
            `${name} is the last account of workload, which cannot be retired (the security stack's default workloadStacks names it): move another account into workload first`,
        );
    let target: YAML.Document;
    if (toDoc) {
        target = toDoc;
        const list = target.getIn(["config", ACCOUNTS]);
        if (YAML.isSeq(list)) list.add(entry);
        else target.setIn(["config", ACCOUNTS], target.createNode([entry]));
    } else {
        // A new shard starts from the source stack's settings (region, security account, audit
        // role, tags, trust, preview role): the same program, another group of accounts.
        // The list node stays, with the comment above it; only its entries change.
        target = YAML.parseDocument(fromText);
        const list = target.getIn(["config", ACCOUNTS]) as YAML.YAMLSeq;
        list.items = [entry];
        // The secrets-provider keys (encryptionsalt, secretsprovider, encryptedkey) are the
        // source stack's own; `pulumi stack init` writes the new stack's.
        for (const k of (target.contents as YAML.YAMLMap).items.map((p) => p.key))
            if (!(YAML.isScalar(k) && k.value === "config")) target.delete(k);
        const config = (target.get("config") as YAML.YAMLMap).toJSON() as Record<string, unknown>;
        for (const [k, v] of Object.entries(config))
            if (k !== ACCOUNTS)
                for (const p of securePaths(v, k))
                    problems.push(
                        `${p} in Pulumi.${from}.yaml is encrypted for ${from}'s secrets provider, so it cannot be copied into the new Pulumi.${to}.yaml: create the stack (${stackInitCommand(qualified(options.org ?? ORGANIZATION, to), fromText)}), set its config (pulumi config cp --stack ${from} --dest ${to}, then remove every account but one), then run account:move again`,
                    );
        notes.push(
            `${toFile} does not exist: it is created from Pulumi.${from}.yaml's settings (every key but the other accounts); create the stack before the move: ${stackInitCommand(qualified(options.org ?? ORGANIZATION, to), fromText)}`,
        );
    }

    // The security stack grants its groups the roles of the stacks it lists: the destination must be one.
    const listed = securityDoc.getIn(["config", STACKS]);
    let stacks: unknown[] = [...DEFAULT_WORKLOAD_STACKS];
    if (listed !== undefined) {
        if (YAML.isSeq(listed)) stacks = listed.toJSON() as unknown[];
        else problems.push(`Pulumi.security.yaml: ${STACKS} is not a list; fix it first`);
    }
    if (!stacks.includes(from))
        notes.push(
            `the security stack's workloadStacks does not list "${from}", so its groups were not granted ${name}'s roles; listing "${to}" grants them`,
        );
    if (emptied) {
        notes.push(
            `${name} is the last account of ${from}: Pulumi.${from}.yaml is deleted and ${from} leaves the security stack's workloadStacks; after the state move, ${from} holds no cloud resource, only its root stack resource, its providers' copies and its StackReference, and is removed with pulumi stack rm (step 6)`,
        );
        if (YAML.isSeq(listed)) {
            const at = listed.items.findIndex((x) => (YAML.isScalar(x) ? x.value : x) === from);
            if (at >= 0) listed.delete(at);
        } else if (listed === undefined)
            securityDoc.setIn(
                ["config", STACKS],
                securityDoc.createNode(stacks.filter((x) => x !== from)),
            );
    }
    if (!stacks.includes(to)) {
        if (YAML.isSeq(listed)) listed.add(to);
        else if (listed === undefined) {
            securityDoc.setIn(["config", STACKS], securityDoc.createNode([...stacks, to]));
            const pair = (securityDoc.get("config") as YAML.YAMLMap).items.find(
                (p) => (YAML.isScalar(p.key) ? p.key.value : p.key) === STACKS,
            );
            if (pair) {
                const k = securityDoc.createNode(STACKS);
                k.commentBefore =
                    " The workload stacks whose roles the security groups may assume (docs/accounts.md#moving-an-account-between-stacks).";
                pair.key = k;
            }
        }
    }

    const edited = {
        name,
        accountId,
        source: {
            file: fromFile,
            before: fromText,
            after: emptied ? null : fromDoc.toString(YAML_OUT),
        },
        target: {
            file: toFile,
            ...(toText !== undefined ? { before: toText } : {}),
            after: target.toString(YAML_OUT),
        },
        security: {
            file: securityFile,
            before: securityText,
            after: securityDoc.toString(YAML_OUT),
        },
        notes,
        emptied,
    };
    // Each result, checked by the program's own schema before anything is written.
    if (edited.source.after !== null) problems.push(...workloadProblems(edited.source.after, from));
    problems.push(...workloadProblems(edited.target.after, to));
    const { config } = parseStackFile(edited.security.after, "Pulumi.security.yaml");
    try {
        validateSecurityConfig(rawStackValues(decodeValues(config)), "security");
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.push(`Pulumi.security.yaml would be invalid:\n  ${problemLines(e)}`);
    }
    // A preview role the destination does not create would be deleted by its next `pulumi up`.
    const hasPreview = (text: string) =>
        namespaceValues(decodeValues(parseStackFile(text, "").config)).previewRole !== undefined;
    if (hasPreview(fromText) && !hasPreview(edited.target.after as string)) {
        // The source's own role name, so that the destination creates the same role.
        const previewName = (
            namespaceValues(decodeValues(parseStackFile(fromText, "").config)).previewRole as
                { name?: unknown } | undefined
        )?.name;
        problems.push(
            `Pulumi.${from}.yaml creates a preview role in ${name}, but Pulumi.${to}.yaml does not, so the destination's next pulumi up would delete it (${
                typeof previewName === "string"
                    ? `pulumi config set --stack ${to} --path '${NAMESPACE}:previewRole.name' ${previewName}`
                    : `set ${NAMESPACE}:previewRole.name in ${to} to the name ${from} gives it`
            })`,
        );
    }
    if (problems.length > 0) throw refusal(problems);
    return edited;
}

/** The paths of the `secure:` values in a raw config value (`{ secure: <ciphertext> }`). */
export function securePaths(v: unknown, at: string): string[] {
    if (Array.isArray(v)) return v.flatMap((x, i) => securePaths(x, `${at}[${i}]`));
    if (typeof v !== "object" || v === null) return [];
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.secure === "string") return [at];
    return Object.entries(o).flatMap(([k, x]) => securePaths(x, `${at}.${k}`));
}

function refusal(problems: readonly string[]): AccountCommandError {
    return new AccountCommandError(
        `account:move refused, nothing written (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `* ${p}`).join("\n")}`,
    );
}

/** Writes the staged copies of the project's stack files, with the edits, into a temporary folder. */
function stage(root: string, edits: readonly FileEdit[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "org-access-move-"));
    for (const f of fs.readdirSync(root))
        if (/^Pulumi\..+\.yaml$/.test(f)) fs.copyFileSync(path.join(root, f), path.join(dir, f));
    for (const e of edits) {
        const staged = path.join(dir, path.basename(e.file));
        if (e.after === null) fs.rmSync(staged, { force: true });
        else fs.writeFileSync(staged, e.after);
    }
    return dir;
}

/** Plans the security stack of `root`, reading the workload stack files there. */
function planSecurity(root: string): Promise<PlanResult> {
    return planStack({
        stack: "security",
        configFile: stackFilePath("security", root),
        build: () => securityStack(loadSecurityConfig("security", undefined, root)),
    });
}

/** Plans a workload stack of `root`, with the security stack's outputs where it trusts them. */
function planWorkloadStack(stack: string, root: string, security: PlanResult): Promise<PlanResult> {
    const configFile = stackFilePath(stack, root);
    const { needed, stackName } = needsSecurityOutputs(stack, configFile);
    const stackOutputs = needed ? { [stackName]: security.outputs } : undefined;
    return planStack({ stack, configFile, stackOutputs });
}

/** What the engine would do going from one plan's resources to another's. */
export interface Changes {
    readonly created: readonly string[];
    readonly deleted: readonly string[];
    /** Updated in place, with the inputs that change. */
    readonly updated: readonly { readonly urn: string; readonly inputs: readonly string[] }[];
    /** Replaced (deleted and created again): an input of plan/diff.ts REPLACE_ON_CHANGES changes, or the provider. */
    readonly replaced: readonly { readonly urn: string; readonly inputs: readonly string[] }[];
}

/**
 * The changes from `before` to `after`, as `--against` computes them (plan/diff.ts `diffStack`:
 * URNs and aliases, unknowns, defaults, the replacement a provider's passes on to its resources);
 * `before`'s URNs read through `urnOf` (a moved resource's URN in the destination).
 */
export function changes(
    before: readonly PlannedResource[],
    after: readonly PlannedResource[],
    urnOf: (urn: string) => string = (u) => u,
): Changes {
    const d = diffStack(
        {
            stack: "",
            resources: before.map((r) => ({
                urn: urnOf(r.urn),
                type: r.type,
                custom: !r.component,
                ...(r.provider ? { provider: urnOf(r.provider.urn) } : {}),
                accountId: r.accountId,
                props: r.props,
            })),
        },
        after,
    );
    return {
        created: d.creates.map((c) => c.urn),
        deleted: d.deletes.map((x) => x.urn),
        updated: d.updates,
        replaced: d.replaces.map((r) => ({ urn: r.urn, inputs: r.properties })),
    };
}

const kindOf = ownType;

/**
 * Everything `account:move` does, without writing anything: the edits, checked; the account's
 * resources in the source stack's plan; and, from the plans of the three stacks as edited, proof
 * that the destination declares every moved resource and replaces none of them, that the source
 * loses exactly the account, and that the security stack deletes nothing. Throws an
 * AccountCommandError with every problem.
 */
export async function planMove(options: MoveOptions, root: string): Promise<MovePlan> {
    const edited = editStackFiles(options, root);
    const { name, accountId } = edited;
    const { from, to } = options;
    const edits = [edited.source, edited.target, edited.security];
    const staged = stage(root, edits);
    try {
        // The security stack as edited: planning it also runs its checks across every workload
        // stack file (unique names, duty principals, preview roles for CI).
        let securityAfter: PlanResult;
        try {
            securityAfter = await planSecurity(staged);
        } catch (e) {
            if (e instanceof ConfigError)
                throw refusal([`the security stack would be invalid:\n  ${problemLines(e)}`]);
            throw e;
        }
        const securityBefore = await planSecurity(root);
        const source = await planWorkloadStack(from, root, securityBefore);
        // A retired source has no file, hence no plan: nothing of it may be left but what holds
        // no cloud resource (checked below).
        const sourceAfter = edited.emptied
            ? { resources: [] as PlannedResource[] }
            : await planWorkloadStack(from, staged, securityAfter);
        const dest = await planWorkloadStack(to, staged, securityAfter);

        const mine = accountResources(source.resources, accountId);
        const problems: string[] = mine.entangled.map(
            ({ resource, parent }) =>
                `${resource.urn} is a resource of ${accountId} under ${parent}, which also holds other accounts' resources; a state move would re-parent it: move it by hand`,
        );
        if (mine.resources.length === 0)
            problems.push(
                `the plan of ${from} has no resource in ${accountId} (a stackset-mode stack deploys through CloudFormation, not per account): there is no state to move`,
            );
        const theirs = accountResources(dest.resources, accountId);
        const account = changes(
            [...mine.providers, ...mine.resources],
            [...theirs.providers, ...theirs.resources],
            (u) => urnInStack(u, to),
        );
        for (const urn of account.deleted)
            problems.push(
                `${to} would not declare ${urn}, so its next pulumi up would delete that ${kindOf(urn)} of ${accountId}: give ${to} the settings of ${from} that create it`,
            );
        for (const { urn, inputs } of account.replaced)
            problems.push(
                `${to} would replace ${urn} (its ${inputs.join(", ")} differ): give ${to} the auditRole and role settings of ${from}`,
            );
        // The source loses the account and nothing else; the security stack deletes nothing.
        const moved = new Set([...mine.providers, ...mine.resources].map((r) => r.urn));
        const rest = changes(
            source.resources.filter(
                (r) =>
                    !moved.has(r.urn) &&
                    !(edited.emptied && r.type === "pulumi:pulumi:StackReference"),
            ),
            sourceAfter.resources,
        );
        for (const urn of [...rest.created, ...rest.deleted, ...rest.replaced.map((r) => r.urn)])
            problems.push(`${from} would change ${urn} beyond losing ${name}; move it by hand`);
        const security = changes(securityBefore.resources, securityAfter.resources);
        for (const urn of [...security.deleted, ...security.replaced.map((r) => r.urn)])
            problems.push(`the security stack would delete or replace ${urn}`);
        if (problems.length > 0) throw refusal(problems);
        return {
            name,
            accountId,
            from,
            to,
            org: options.org ?? ORGANIZATION,
            emptied: edited.emptied,
            edits,
            moved: mine.resources,
            references: source.resources
                .filter((r) => r.type === "pulumi:pulumi:StackReference")
                .map((r) => r.urn),
            providers: mine.providers,
            created: account.created,
            updates: [...account.updated, ...rest.updated],
            security,
            notes: edited.notes,
        };
    } finally {
        fs.rmSync(staged, { recursive: true, force: true });
    }
}

/** A word for a POSIX shell: single-quoted (URNs hold `$`), with any `'` escaped. */
export function shellQuote(word: string): string {
    return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `pulumi stack init` of a new stack whose file copies another stack file's settings but none
 * of its secrets-provider keys: with the other stack's secrets provider, read from `fromText`.
 * Without `--secrets-provider`, a self-managed backend gives the new stack a passphrase
 * (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_init/), which the workflows' check
 * `secretsprovider: awskms://` refuses. A salt without a provider is the passphrase provider
 * (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/); neither is the
 * backend's default, which the new stack gets too.
 */
export function stackInitCommand(stack: string, fromText: string | undefined): string {
    // An unreadable file is reported where it is parsed; here it just names no provider.
    const doc = fromText === undefined ? undefined : YAML.parseDocument(fromText);
    const top: unknown = doc && doc.errors.length === 0 ? doc.toJSON() : undefined;
    const keys = typeof top === "object" && top !== null ? (top as Record<string, unknown>) : {};
    const provider =
        typeof keys.secretsprovider === "string" && keys.secretsprovider !== ""
            ? keys.secretsprovider
            : keys.encryptionsalt !== undefined
              ? "passphrase"
              : undefined;
    return `pulumi stack init ${stack}${provider === undefined ? "" : ` --secrets-provider=${shellQuote(provider)}`}`;
}

/** The fully qualified name of one of the project's stacks. */
export function qualified(org: string, stack: string): string {
    return `${org}/${PROJECT}/${stack}`;
}

/** The one `pulumi state move` command of a move: every moved URN named, the providers left out. */
export function stateMoveCommand(plan: MovePlan): string {
    return [
        "pulumi state move",
        `--source ${shellQuote(qualified(plan.org, plan.from))}`,
        `--dest ${shellQuote(qualified(plan.org, plan.to))}`,
        ...plan.moved.map((r) => shellQuote(r.urn)),
    ].join(" \\\n    ");
}

/**
 * A line diff of two texts with `context` lines around each change (longest common subsequence:
 * stack files are a few hundred lines at most).
 */
export function lineDiff(
    file: string,
    before: string | undefined,
    after: string | null,
    context = 2,
): string {
    const lines = (t: string) => t.replace(/\n$/, "").split("\n");
    const a = before === undefined ? [] : lines(before);
    const b = after === null ? [] : lines(after);
    const lcs: number[][] = Array.from({ length: a.length + 1 }, () =>
        new Array<number>(b.length + 1).fill(0),
    );
    for (let i = a.length - 1; i >= 0; i--)
        for (let j = b.length - 1; j >= 0; j--)
            lcs[i][j] =
                a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const ops: { op: " " | "-" | "+"; line: string }[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
        if (i < a.length && j < b.length && a[i] === b[j]) {
            ops.push({ op: " ", line: a[i++] });
            j++;
        } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j]))
            ops.push({ op: "+", line: b[j++] });
        else ops.push({ op: "-", line: a[i++] });
    }
    // Each op's line number in the new text (in the old one for a removed line).
    const at: number[] = [];
    let x = 0;
    let y = 0;
    for (const o of ops) {
        if (o.op === "-") at.push(++x);
        else {
            at.push(++y);
            if (o.op === " ") x++;
        }
    }
    const near = ops.map((_, k) =>
        ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.op !== " "),
    );
    const out = [
        `--- ${before === undefined ? "/dev/null" : file}`,
        `+++ ${after === null ? "/dev/null" : file}`,
    ];
    ops.forEach((o, k) => {
        if (near[k] && (k === 0 || !near[k - 1])) out.push(`@@ line ${at[k]} @@`);
        if (near[k]) out.push(`${o.op}${o.line}`);
    });
    return out.join("\n");
}

/** What to print: the diffs, the state move command, and the order to run things in. */
export function renderMove(plan: MovePlan, written: boolean): string {
    const { name, accountId, from, to } = plan;
    const securityChanges = [
        ...plan.security.created.map((u) => `${u}: created`),
        ...plan.security.updated.map((u) => `${u.urn}: ${u.inputs.join(", ")}`),
    ];
    const out: string[] = [
        `account:move ${name} (${accountId}): ${from} -> ${to}${written ? "" : " (dry run: nothing written; --write writes the three files)"}`,
        "",
        ...plan.edits.map((e) => lineDiff(path.basename(e.file), e.before, e.after)),
        "",
        ...plan.notes.map((n) => `note: ${n}`),
        `The state to move: ${plan.moved.length} resources of ${accountId} in ${from}'s plan.`,
        ...plan.providers.map(
            (p) =>
                `Its provider ${p.urn} is not named: pulumi state move copies the providers of the resources it moves (naming one is an error); ${from} keeps its copy, which ${plan.emptied ? "goes with the stack in step 6" : `${from}'s next pulumi up deletes from the state alone`}.`,
        ),
        "",
        "In this order (nothing touches AWS before step 6):",
        `1. Hold every deploy of ${from}, ${to} and security until step 6: once the state has moved, a pulumi up of either stack with the old stack files would create or delete ${name}'s roles. Then pulumi preview --stack ${qualified(plan.org, from)} must show no change: the state must hold the URNs this plan names (after an upgrade of org-access that renamed resources, run pulumi up first).`,
        `2. Back up both states: pulumi stack export --stack ${qualified(plan.org, from)} --file ${from}.before-move.json (and the same for ${to}).`,
        `3. Move the state (Pulumi CLI 3.127.0 or later; both stacks in the same backend, reachable from where you run it, and logged in). It lists what it moves and asks before it writes: answer no if it warns that a URN is not found in the source stack, or lists more than these ${plan.moved.length} resources.`,
        `   ${stateMoveCommand(plan)}`,
        ...plan.references.map(
            (u) =>
                `   It reports that moved resources depend on ${u}, which stays in ${from}: expected, ${to} declares its own, and its next pulumi up records that one.`,
        ),
        `4. ${written ? "Commit the files written above" : "Write the files (the same command with --write) and commit them"}: ${plan.edits.map((e) => `${path.basename(e.file)}${e.after === null ? " (deleted)" : ""}`).join(", ")}.`,
        `5. Preview: pulumi preview --stack ${to} --policy-pack policypack --policy-pack-config policypack/policy-config.json must create, delete and replace nothing of ${name}${plan.updates.length > 0 ? "; it updates in place:" : "."}`,
        ...plan.updates.map((u) => `     ${u.urn}: ${u.inputs.join(", ")}`),
        ...(plan.created.length > 0
            ? [
                  `   and creates what ${to}'s settings add for ${name}:`,
                  ...plan.created.map((u) => `     ${u}`),
              ]
            : []),
        plan.emptied
            ? `   pulumi stack export --stack ${qualified(plan.org, from)} lists no resource but the root pulumi:pulumi:Stack, providers (pulumi:providers:*) and the StackReference: none is a cloud resource.`
            : `   pulumi preview --stack ${from} deletes only the copied provider (from the state alone) and creates nothing.`,
        `   pulumi preview --stack security deletes and replaces nothing${securityChanges.length > 0 ? "; it changes:" : ", and changes nothing."}`,
        ...securityChanges.map((c) => `     ${c}`),
        plan.emptied
            ? // `pulumi stack rm` refuses a stack that still has resources unless --force, which
              // leaves them behind (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_rm/):
              // here they are the root resource, provider copies and a StackReference, none in AWS.
              // Nothing is destroyed: a pulumi destroy would run the providers' deletes.
              `6. pulumi up --stack ${to}, then --stack security (workloadStacks lists ${to}, no longer ${from}); then retire ${from} without touching AWS: pulumi stack rm --force --preserve-config --stack ${qualified(plan.org, from)} (--force because its state still holds those non-cloud resources; its file is already deleted); then release the hold.`
            : `6. pulumi up --stack ${to}, then --stack ${from}, then --stack security (workloadStacks lists ${to}); then release the hold.`,
    ];
    return out.join("\n");
}

/**
 * Writes the edits together: every new text goes to a temporary file beside its target first, and
 * only then are the temporary files renamed over the targets (a rename within one folder is
 * atomic) and a retired source's file removed. If a step fails, the files already replaced or
 * removed get their old text back and a created file is removed, so a failure leaves the files as
 * they were.
 */
export function writeEdits(edits: readonly FileEdit[]): void {
    const temps = edits.map((e) => `${e.file}.account-move-${process.pid}.tmp`);
    const done: FileEdit[] = [];
    try {
        edits.forEach((e, i) => {
            if (e.after !== null) fs.writeFileSync(temps[i], e.after, { flag: "wx" });
        });
        edits.forEach((e, i) => {
            if (e.after === null) fs.rmSync(e.file);
            else fs.renameSync(temps[i], e.file);
            done.push(e);
        });
    } catch (err) {
        for (const e of done) {
            if (e.before === undefined) fs.rmSync(e.file, { force: true });
            else fs.writeFileSync(e.file, e.before);
        }
        throw err;
    } finally {
        for (const t of temps) fs.rmSync(t, { force: true });
    }
}
