// `npm run account:add -- --name NAME --id ACCOUNT_ID [--stack workload]`
// `npm run account:remove -- --name NAME [--stack workload]`
//
// Onboarding from config: adds or removes one entry of `org-access:workloadAccounts` in
// Pulumi.<stack>.yaml with the `yaml` Document API, so comments and key order survive, validates
// the result with the program's own schema, and prints the next command. Exit codes
// (cli/exitCodes.ts): 0 ok, 2 refused (bad arguments, duplicate, unknown account, invalid result);
// the file is then untouched.
import * as fs from "fs";
import * as YAML from "yaml";
import {
    defineCommand,
    Io,
    runCommand,
    start,
    STDIO,
    stackOption,
    UsageError,
} from "../cli/command";
import {
    ConfigError,
    decodeValues,
    namespaceValues,
    NAMESPACE,
    parseStackFile,
    PROJECT_ROOT,
    stackFilePath,
    validateWorkloadConfig,
} from "../config";

/** A refused command: the message says what is wrong and how to fix it (exit 2). */
export class AccountCommandError extends UsageError {}

const KEY = `${NAMESPACE}:workloadAccounts`;
const ACCOUNT_ID = /^\d{12}$/;

export type AccountCommand =
    | {
          readonly action: "add";
          readonly name: string;
          readonly accountId: string;
          readonly stack: string;
      }
    | { readonly action: "remove"; readonly name: string; readonly stack: string };

export const USAGE = `usage: npm run account:add -- --name NAME --id ACCOUNT_ID [--stack workload]
       npm run account:remove -- --name NAME [--stack workload]`;

export const command = defineCommand({
    usage: USAGE,
    options: {
        name: { type: "string" },
        id: { type: "string" },
        stack: { type: "string", default: "workload" },
    },
    positionals: true,
    build(values, positionals): AccountCommand {
        const [action, ...extra] = positionals;
        if (action !== "add" && action !== "remove")
            throw new AccountCommandError("the first argument must be add or remove");
        if (extra.length > 0) throw new AccountCommandError(`unexpected argument "${extra[0]}"`);
        const stack = stackOption(values.stack, ["workload"], AccountCommandError).name;
        const { name, id } = values;
        if (name === undefined) throw new AccountCommandError("--name is required");
        if (action === "remove") {
            if (id !== undefined)
                throw new AccountCommandError("remove takes only --name (and --stack)");
            return { action, name, stack };
        }
        if (id === undefined) throw new AccountCommandError("--id is required");
        return { action, name, accountId: id, stack };
    },
});

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
        validateWorkloadConfig(
            { values: namespaceValues(decodeValues(config)), region: config["aws:region"] },
            stack,
        );
    } catch (e) {
        if (e instanceof ConfigError)
            throw new AccountCommandError(
                `the result would be invalid, so Pulumi.${stack}.yaml is unchanged:\n${e.message}`,
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
            `an account named "${name}" is already in Pulumi.${stack}.yaml (workloadAccounts[${byName}], ${String(accounts[byName].accountId)}); choose another name or remove it first`,
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

/** What to run next: the stack itself, then the security stack, whose grants follow the stack files. */
export function nextSteps(stack: string): string {
    return [
        `next: pulumi preview --stack ${stack} --policy-pack policypack`,
        `then: pulumi preview --stack security --policy-pack policypack   (the security groups' grants follow Pulumi.${stack}.yaml)`,
        `offline first, if you like: npm start -- --stack ${stack}`,
    ].join("\n");
}

/** Runs a command against the stack file under `root` (default: the project); returns the exit code. */
export function main(argv: readonly string[], io: Io & { root?: string } = STDIO): number {
    return runCommand(command, argv, io, (cmd) => {
        const file = stackFilePath(cmd.stack, io.root ?? PROJECT_ROOT);
        if (!fs.existsSync(file))
            throw new AccountCommandError(
                `${file} does not exist; create the stack first (pulumi stack init ${cmd.stack})`,
            );
        const text = fs.readFileSync(file, "utf8");
        const out =
            cmd.action === "add"
                ? addAccount(text, cmd.name, cmd.accountId, cmd.stack)
                : removeAccount(text, cmd.name, cmd.stack);
        fs.writeFileSync(file, out);
        io.out.write(
            cmd.action === "add"
                ? `added ${cmd.name} (${cmd.accountId}) to ${file}\n`
                : `removed ${cmd.name} from ${file}; its roles will be deleted, logs are never deleted (docs/guardrails.md)\n`,
        );
        io.out.write(`${nextSteps(cmd.stack)}\n`);
        return 0;
    });
}

if (require.main === module) start(main);
