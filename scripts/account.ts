// `npm run account:add -- --name NAME --id ACCOUNT_ID [--stack workload]`
// `npm run account:remove -- --name NAME [--stack workload]`
//
// Onboarding from config: adds or removes one entry of `org-access:workloadAccounts` in
// Pulumi.<stack>.yaml with the `yaml` Document API, so comments and key order survive, validates
// the result with the program's own schema, and prints the next command. Exit codes: 0 ok,
// 2 refused (bad arguments, duplicate, unknown account, invalid result); the file is then untouched.
import * as fs from "fs";
import * as YAML from "yaml";
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

/** A refused command: the message says what is wrong and how to fix it. */
export class AccountCommandError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "AccountCommandError";
    }
}

const KEY = `${NAMESPACE}:workloadAccounts`;
const ACCOUNT_ID = /^\d{12}$/;
const STACK = /^workload(-[A-Za-z0-9_.-]+)?$/;

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

export function parseArgs(argv: readonly string[]): AccountCommand {
    const [action, ...rest] = argv;
    if (action !== "add" && action !== "remove")
        throw new AccountCommandError(`the first argument must be add or remove\n${USAGE}`);
    const values: Record<string, string> = {};
    for (let i = 0; i < rest.length; i++) {
        const m = /^--(name|id|stack)(=(.*))?$/.exec(rest[i]);
        if (!m) throw new AccountCommandError(`unknown argument "${rest[i]}"\n${USAGE}`);
        const value = m[2] !== undefined ? m[3] : rest[++i];
        if (value === undefined || value.startsWith("--"))
            throw new AccountCommandError(`--${m[1]} needs a value\n${USAGE}`);
        values[m[1]] = value;
    }
    const stack = values.stack ?? "workload";
    if (!STACK.test(stack))
        throw new AccountCommandError(
            `--stack must be workload or workload-<shard>, not "${stack}"`,
        );
    if (values.name === undefined) throw new AccountCommandError(`--name is required\n${USAGE}`);
    if (action === "remove") {
        if (values.id !== undefined)
            throw new AccountCommandError("remove takes only --name (and --stack)");
        return { action, name: values.name, stack };
    }
    if (values.id === undefined) throw new AccountCommandError(`--id is required\n${USAGE}`);
    return { action, name: values.name, accountId: values.id, stack };
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

/** Runs a command against the stack file under `root`; returns the exit code. */
export function main(
    argv: readonly string[],
    io: { root?: string; out: (s: string) => void; err: (s: string) => void },
): number {
    try {
        const cmd = parseArgs(argv);
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
        io.out(
            cmd.action === "add"
                ? `added ${cmd.name} (${cmd.accountId}) to ${file}`
                : `removed ${cmd.name} from ${file}; its roles will be deleted, logs are never deleted (docs/guardrails.md)`,
        );
        io.out(nextSteps(cmd.stack));
        return 0;
    } catch (e) {
        if (e instanceof AccountCommandError) {
            io.err(`error: ${e.message}`);
            return 2;
        }
        throw e;
    }
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), {
        out: (s) => console.log(s),
        err: (s) => console.error(s),
    });
}
