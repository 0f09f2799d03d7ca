// `npm run account:add -- --name NAME --id ACCOUNT_ID [--stack STACK]`
// `npm run account:remove -- --name NAME [--stack STACK]`
// `npm run account:move -- --name NAME (or --id ACCOUNT_ID) --from STACK --to STACK [--write] [--org ORG]`
// `npm run account:import -- FILE [--ou OU_ID=FILE ...] [--name-pattern GLOB ...] [--write]`
//
// Onboarding from config: adds or removes one entry of `org-access:workloadAccounts` in
// Pulumi.<stack>.yaml with the `yaml` Document API, so comments and key order survive, validates
// the result with the program's own schema, and prints the next command. Without --stack, `add`
// places the account in the first workload stack with room under its maxAccountsPerStack, or in a
// new shard (scripts/accountPlacement.ts); `import` does the same for every new account of an
// organization listing (scripts/accountImport.ts). `move` carries an entry
// to another workload stack and prints the `pulumi state move` command that carries its resources
// (scripts/accountMove.ts). Exit codes (cli/exitCodes.ts): 0 ok, 2 refused (bad arguments,
// duplicate, unknown account, invalid result); the files are then untouched.
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { defineCommand, Io, runCommand, start, STDIO, stackOption } from "../cli/command";
import { didYouMean } from "../cli/suggest";
import {
    ConfigError,
    decodeValues,
    howToCreate,
    rawStackValues,
    NAMESPACE,
    parseStackFile,
    PROJECT_ROOT,
    stackFilePath,
    validateWorkloadConfig,
} from "../config";
import { parseStackName, StackNameError } from "../stacks/names";
import { AccountCommandError } from "./accountErrors";
import { importAccounts, OuListing, renderImport } from "./accountImport";
import { lineDiff, MoveOptions, planMove, renderMove, writeEdits } from "./accountMove";
import { listedAccounts, placeAccounts, readProject, refusal } from "./accountPlacement";
import { freeName } from "../config/errors";

export { AccountCommandError } from "./accountErrors";

const KEY = `${NAMESPACE}:workloadAccounts`;
const ACTIONS = ["add", "remove", "move", "import"];
const ACCOUNT_ID = /^\d{12}$/;

export type AccountCommand =
    | {
          readonly action: "add";
          readonly name: string;
          readonly accountId: string;
          /** Absent: the first workload stack with room (or a new shard). */
          readonly stack?: string;
      }
    | {
          readonly action: "remove";
          readonly name: string;
          /** Absent: the workload stack file that lists the name. */
          readonly stack?: string;
      }
    | ({ readonly action: "move"; readonly write: boolean } & MoveOptions)
    | {
          readonly action: "import";
          readonly file: string;
          /** `--ou OU_ID=FILE`: the OU's id and the file of its list-accounts-for-parent output. */
          readonly ous: readonly { readonly ouId: string; readonly file: string }[];
          readonly namePatterns: readonly string[];
          readonly write: boolean;
      };

export const USAGE = `usage: npx org-access account add --name NAME --id ACCOUNT_ID [-s STACK]
       npx org-access account remove --name NAME [-s STACK]
       npx org-access account move (--name NAME | --id ACCOUNT_ID) --from STACK --to STACK [--write] [--org ORG]
       npx org-access account import FILE [--ou OU_ID=FILE ...] [--name-pattern GLOB ...] [--write]

account add without --stack puts the account in the first workload stack file with room under its
org-access:maxAccountsPerStack (Pulumi.workload.yaml, then Pulumi.workload-<shard>.yaml in natural
order), or, when all are full, in a new Pulumi.workload-<n>.yaml (n one more than the highest
numbered shard) with Pulumi.workload.yaml's settings, and lists that stack in the security stack's
workloadStacks. With --stack it uses that stack, and refuses when it is full. account remove
without --stack removes the account from the workload stack file that lists it.

account import reads FILE, the JSON of aws organizations list-accounts (one output, or its pages one
after another), and adds every ACTIVE account that is not the security, management or log-archive
account and not already in a workload stack file, placed like account add, each named from its AWS
name (lowercase, other characters as '-', 63 at most; a clash gets the id's last four digits).
--ou OU_ID=FILE keeps only the accounts listed in FILE, the output of
aws organizations list-accounts-for-parent --parent-id OU_ID (the OU's direct members; repeat --ou
for several OUs or child OUs). --name-pattern GLOB keeps only the accounts whose AWS name matches
(* and ?, case-insensitive; repeat it for several). It prints what goes where, what is skipped and
why, and the diff of every file; it writes them only with --write, all or none.

account move moves one account's entry from Pulumi.<from>.yaml to Pulumi.<to>.yaml (creating it
from the source's settings when it does not exist), lists <to> in the security stack's
workloadStacks, and prints the diff of the three files, the pulumi state move command that carries
the account's resources (computed from the plans) and the order to run things in. It writes the
files only with --write, all three or none. --org names the organization of the fully qualified
stack names (default: organization, what a self-managed backend reports).

-s, --stack STACK takes a workload stack name, or ORG/STACK or ORG/PROJECT/STACK as pulumi --stack
does. npm run account:add -- ARGS (account:remove, account:move, account:import) is the same
command.`;

export const command = defineCommand({
    usage: USAGE,
    invocation: "npx org-access account",
    options: {
        name: { type: "string" },
        id: { type: "string" },
        stack: { type: "string", short: "s" },
        from: { type: "string" },
        to: { type: "string" },
        write: { type: "boolean", default: false },
        org: { type: "string" },
        ou: { type: "string", multiple: true },
        "name-pattern": { type: "string", multiple: true },
    },
    valueNames: { ou: "OU_ID=FILE", "name-pattern": "a GLOB" },
    positionals: true,
    build(values, positionals): AccountCommand {
        const [action, ...extra] = positionals;
        if (action !== "add" && action !== "remove" && action !== "move" && action !== "import")
            throw new AccountCommandError(
                `the first argument must be add, remove, move or import${action === undefined ? "" : `, not "${action}"${didYouMean(action, ACTIONS)}`}`,
            );
        if (action === "import") return importCommand(values, extra);
        if (extra.length > 0) throw new AccountCommandError(`unexpected argument "${extra[0]}"`);
        for (const key of ["ou", "name-pattern"] as const)
            if (values[key] !== undefined)
                throw new AccountCommandError(`--${key} is an option of import only`);
        if (action === "move") return moveCommand(values);
        for (const key of ["from", "to", "write", "org"] as const)
            if (values[key] !== undefined && values[key] !== false)
                throw new AccountCommandError(`--${key} is an option of move only`);
        const { name, id } = values;
        if (name === undefined) throw new AccountCommandError("--name is required");
        if (action === "remove") {
            if (id !== undefined)
                throw new AccountCommandError("remove takes only --name (and --stack)");
            if (values.stack === undefined) return { action, name };
            const stack = stackOption(values.stack, ["workload"], AccountCommandError).name;
            return { action, name, stack };
        }
        if (id === undefined) throw new AccountCommandError("--id is required");
        if (values.stack === undefined) return { action, name, accountId: id };
        const stack = stackOption(values.stack, ["workload"], AccountCommandError).name;
        return { action, name, accountId: id, stack };
    },
});

/** The options `import` and `move` read, as the command line gives them. */
interface AccountOptionValues {
    readonly name?: string;
    readonly id?: string;
    readonly stack?: string;
    readonly from?: string;
    readonly to?: string;
    readonly write?: boolean;
    readonly org?: string;
    readonly ou?: string[];
    readonly "name-pattern"?: string[];
}

/** The arguments of `import`, every problem with them at once. */
function importCommand(values: AccountOptionValues, files: readonly string[]): AccountCommand {
    const problems: string[] = [];
    for (const key of ["name", "id", "stack", "from", "to", "org"] as const)
        if (values[key] !== undefined)
            problems.push(
                `import takes no --${key}${key === "stack" ? ": it places every account in the first stack with room" : ""}`,
            );
    if (files.length !== 1)
        problems.push(
            files.length === 0
                ? "import needs FILE, the output of aws organizations list-accounts (aws organizations list-accounts > accounts.json)"
                : `import takes one FILE, not ${files.length} (pages of one listing go one after another in one file)`,
        );
    const ous = (values.ou ?? []).flatMap((v) => {
        const m = /^([^=]+)=(.+)$/.exec(v);
        if (!m) {
            problems.push(
                `--ou "${v}" must be OU_ID=FILE, e.g. --ou ou-ab12-cdefgh34=prod-ou.json (the output of aws organizations list-accounts-for-parent --parent-id ou-ab12-cdefgh34)`,
            );
            return [];
        }
        return [{ ouId: m[1], file: m[2] }];
    });
    const namePatterns = values["name-pattern"] ?? [];
    for (const p of namePatterns)
        if (p === "") problems.push("--name-pattern must not be empty (use * for every name)");
    if (problems.length > 0) throw new AccountCommandError(problems.join("\n"));
    return { action: "import", file: files[0], ous, namePatterns, write: values.write === true };
}

/** The options of `move`, every problem with them at once. */
function moveCommand(values: AccountOptionValues): AccountCommand {
    const problems: string[] = [];
    const { name, id, from, to } = values;
    if (values.stack !== undefined) problems.push("move takes --from and --to, not --stack");
    if ((name === undefined) === (id === undefined))
        problems.push("give the account to move with --name or with --id (one of them)");
    if (id !== undefined && !/^\d{12}$/.test(id))
        problems.push(`--id "${id}" is not an AWS account id: it must be exactly 12 digits`);
    for (const [option, value] of [
        ["--from", from],
        ["--to", to],
    ] as const) {
        if (value === undefined) problems.push(`${option} is required`);
        else
            try {
                parseStackName(value, ["workload"]);
            } catch (e) {
                if (!(e instanceof StackNameError)) throw e;
                problems.push(e.optionMessage(option));
            }
    }
    if (from !== undefined && from === to)
        problems.push(`--from and --to are the same stack ("${from}"): nothing to move`);
    if (values.org !== undefined && !/^[A-Za-z0-9_.-]+$/.test(values.org))
        problems.push(`--org "${values.org}" is not an organization name (letters, digits, _ . -)`);
    if (problems.length > 0) throw new AccountCommandError(problems.join("\n"));
    return {
        action: "move",
        account: name !== undefined ? { name } : { accountId: id as string },
        from: from as string,
        to: to as string,
        write: values.write === true,
        ...(values.org !== undefined ? { org: values.org } : {}),
    };
}

/** The command line as a command; "help" for --help. Throws a UsageError. */
export function parseArgs(argv: readonly string[]): AccountCommand | "help" {
    return command.parse(argv);
}

/** The raw entries of the account list, as plain values. */
function accountsOf(doc: YAML.Document): { name?: unknown; accountId?: unknown }[] {
    const list = doc.getIn(["config", KEY]);
    if (list === undefined) return [];
    if (!YAML.isSeq(list))
        throw new AccountCommandError(`${KEY} is not a list; fix the stack file first`);
    return list.toJSON() as { name?: unknown; accountId?: unknown }[];
}

/** Validates new stack-file text with the program's schema; throws with every problem. */
function validate(text: string, stack: string): void {
    const { config } = parseStackFile(text, `Pulumi.${stack}.yaml`);
    try {
        validateWorkloadConfig(rawStackValues(decodeValues(config)), stack);
    } catch (e) {
        if (e instanceof ConfigError)
            throw new AccountCommandError(
                `the result would be invalid, so Pulumi.${stack}.yaml is unchanged:\n${e.pinned().message}`,
            );
        throw e;
    }
}

/**
 * Adds one account to the text of a stack file and returns the new text. The id is written as a
 * quoted string: an unquoted YAML number would lose leading zeros.
 */
export function addAccount(
    text: string,
    name: string,
    accountId: string,
    stack = "workload",
): string {
    if (!ACCOUNT_ID.test(accountId))
        throw new AccountCommandError(
            `"${accountId}" is not an AWS account id: it must be exactly 12 digits, e.g. 123456789012`,
        );
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0)
        throw new AccountCommandError(
            `Pulumi.${stack}.yaml is not valid YAML: ${doc.errors[0].message}`,
        );
    const accounts = accountsOf(doc);
    const byName = accounts.findIndex((a) => a.name === name);
    if (byName >= 0)
        throw new AccountCommandError(
            `an account named "${name}" is already in Pulumi.${stack}.yaml (workloadAccounts[${byName}], ${String(accounts[byName].accountId)}); choose another name (${freeName(name, new Set(accounts.map((a) => String(a.name))))} is free) or remove it first`,
        );
    const byId = accounts.findIndex((a) => a.accountId === accountId);
    if (byId >= 0)
        throw new AccountCommandError(
            `account ${accountId} is already in Pulumi.${stack}.yaml as "${String(accounts[byId].name)}" (workloadAccounts[${byId}]); each account is listed once`,
        );

    const entry = doc.createNode({ name, accountId });
    const id = entry.get("accountId", true);
    if (YAML.isScalar(id)) id.type = "QUOTE_DOUBLE";
    const list = doc.getIn(["config", KEY]);
    if (YAML.isSeq(list)) list.add(entry);
    else doc.setIn(["config", KEY], doc.createNode([entry]));
    const out = doc.toString();
    validate(out, stack);
    return out;
}

/** Removes one account from the text of a stack file and returns the new text. */
export function removeAccount(text: string, name: string, stack = "workload"): string {
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0)
        throw new AccountCommandError(
            `Pulumi.${stack}.yaml is not valid YAML: ${doc.errors[0].message}`,
        );
    const accounts = accountsOf(doc);
    const index = accounts.findIndex((a) => a.name === name);
    if (index < 0)
        throw new AccountCommandError(
            `no account named "${name}" in Pulumi.${stack}.yaml; its accounts are: ${accounts.map((a) => String(a.name)).join(", ") || "none"}`,
        );
    (doc.getIn(["config", KEY]) as YAML.YAMLSeq).delete(index);
    const out = doc.toString();
    validate(out, stack);
    return out;
}

/**
 * The pack and its config as CI runs them: without --policy-pack-config the pack runs on its
 * defaults, which list no break-glass role, and fails the project's own break-glass grants.
 */
export const PREVIEW_PACK =
    "--policy-pack policypack --policy-pack-config policypack/policy-config.json";

/** What to run next: the stack itself, then the security stack, whose grants follow the stack files. */
export function nextSteps(stack: string): string {
    return [
        `next: pulumi preview --stack ${stack} ${PREVIEW_PACK}`,
        `then: pulumi preview --stack security ${PREVIEW_PACK}   (the security groups' grants follow Pulumi.${stack}.yaml)`,
        `offline first, if you like: npx org-access plan -s ${stack}`,
    ].join("\n");
}

/** Reads a file the command was given; a missing or unreadable one is the caller's to fix. */
function readInput(file: string, what: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new AccountCommandError(
            `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
    }
}

/** Imports a listing: prints what goes where, and writes the files with --write. */
function importListing(
    cmd: Extract<AccountCommand, { action: "import" }>,
    io: Io,
    root: string,
): number {
    const problems: string[] = [];
    const read = (file: string, what: string) => {
        try {
            return readInput(file, what);
        } catch (e) {
            if (!(e instanceof AccountCommandError)) throw e;
            problems.push(e.message);
            return undefined;
        }
    };
    const listing = read(cmd.file, "the listing");
    const ous: OuListing[] = cmd.ous.flatMap(({ ouId, file }) => {
        const text = read(file, `the listing of ${ouId}`);
        return text === undefined ? [] : [{ ouId, text, source: file }];
    });
    if (problems.length > 0) throw new AccountCommandError(problems.join("\n"));
    const plan = importAccounts(
        listing as string,
        { ous, namePatterns: cmd.namePatterns, source: cmd.file },
        root,
    );
    if (cmd.write) writeEdits(plan.edits);
    io.out.write(`${renderImport(plan, cmd.write)}\n`);
    return 0;
}

/**
 * The workload stack whose file lists an account name: accounts spread over shards, and names are
 * unique across them. Pulumi.workload.yaml when no file lists it (removeAccount then says so).
 */
function stackListing(name: string, root: string): string {
    const problems: string[] = [];
    const found = listedAccounts(readProject(root, problems)).get(`name:${name}`);
    if (problems.length > 0) throw refusal("account:remove", problems);
    return found?.stack ?? "workload";
}

/** Adds one account: to --stack, or where placement puts it; writes every file it changes. */
function add(cmd: Extract<AccountCommand, { action: "add" }>, io: Io, root: string): number {
    if (cmd.stack !== undefined) {
        const file = stackFilePath(cmd.stack, root);
        if (!fs.existsSync(file))
            throw new AccountCommandError(
                `${file} does not exist; ${howToCreate(cmd.stack, root)}`,
            );
    }
    const placement = placeAccounts(root, [{ name: cmd.name, accountId: cmd.accountId }], {
        ...(cmd.stack !== undefined ? { stack: cmd.stack } : {}),
        command: "account:add",
    });
    writeEdits(placement.edits);
    const [placed] = placement.placed;
    io.out.write(`added ${cmd.name} (${cmd.accountId}) to ${placed.file}\n`);
    if (placement.created.length > 0 || placement.listed.length > 0)
        for (const e of placement.edits)
            if (e.file !== placed.file || e.before === undefined)
                io.out.write(`${lineDiff(path.basename(e.file), e.before, e.after)}\n`);
    for (const n of placement.notes) io.out.write(`note: ${n}\n`);
    io.out.write(`${nextSteps(placed.stack)}\n`);
    return 0;
}

/** Plans a move, prints it, and writes the files with --write. */
async function move(
    cmd: Extract<AccountCommand, { action: "move" }>,
    io: Io,
    root: string,
): Promise<number> {
    const plan = await planMove(cmd, root);
    if (cmd.write) writeEdits(plan.edits);
    io.out.write(`${renderMove(plan, cmd.write)}\n`);
    return 0;
}

/**
 * Runs a command against the stack files under `root` (default: the project); returns the exit
 * code, synchronously for add, remove and import, as a promise for move (it plans both stacks).
 */
export function main(
    argv: readonly string[],
    io: Io & { root?: string } = STDIO,
): number | Promise<number> {
    const root = io.root ?? PROJECT_ROOT;
    return runCommand(command, argv, io, (cmd): number | Promise<number> => {
        if (cmd.action === "move") return move(cmd, io, root);
        if (cmd.action === "import") return importListing(cmd, io, root);
        if (cmd.action === "add") return add(cmd, io, root);
        const stack = cmd.stack ?? stackListing(cmd.name, root);
        const file = stackFilePath(stack, root);
        if (!fs.existsSync(file))
            throw new AccountCommandError(`${file} does not exist; ${howToCreate(stack, root)}`);
        const out = removeAccount(fs.readFileSync(file, "utf8"), cmd.name, stack);
        fs.writeFileSync(file, out);
        io.out.write(
            `removed ${cmd.name} from ${file}; its roles will be deleted, logs are never deleted (docs/guardrails.md)\n`,
        );
        io.out.write(`${nextSteps(stack)}\n`);
        return 0;
    });
}

if (require.main === module) start(main);
