// Example values that must be replaced before a deploy, and secrets written in plain text.
//
// The example stack files ship no ciphertext: a `secure:` value decrypts only with the secrets
// provider the stack was created with (Pulumi Cloud, a passphrase or `awskms://`), so an example
// ciphertext could never be decrypted by anyone
// (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_init/). Instead a
// value that must be replaced starts with `REPLACE-ME`. The offline plan warns about each one
// (`--strict` makes them errors) and the real program refuses to deploy them.
import { ConfigProblem } from "./errors";
import { NAMESPACE } from "./schema";
import { decodeValues } from "./stackFile";

/** Every example value that must be replaced starts with this (case-insensitive). */
export const PLACEHOLDER_PREFIX = "REPLACE-ME";

/** What `parseStackFile` puts in place of a `secure:` value (see `secretPlaceholder`). */
const OFFLINE_SECRET = /^offline-secret-[0-9a-f]{16}$/;

/** Keys whose value is a secret: every ExternalId. */
const SECRET_KEY = /externalid$/i;

export function isPlaceholder(value: unknown): value is string {
    return (
        typeof value === "string" &&
        value.trim().toUpperCase().startsWith(PLACEHOLDER_PREFIX.toUpperCase())
    );
}

function fixFor(path: string, secret: boolean): string {
    return secret
        ? `pulumi config set --secret --path 'org-access:${path}' "$(openssl rand -hex 32)"`
        : `set the real value with pulumi config set --path 'org-access:${path}' followed by the value`;
}

function walk(value: unknown, path: string, visit: (path: string, leaf: unknown) => void): void {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`, visit));
    else if (typeof value === "object" && value !== null)
        for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k, visit);
    else visit(path, value);
}

const lastKey = (path: string) =>
    path
        .replace(/\[\d+\]$/, "")
        .split(/[.[]/)
        .pop() ?? path;

/**
 * Every value under the project's namespace that is still a `REPLACE-ME` placeholder, as config
 * problems naming the key and the command that sets a real value. `values` are namespaced (keys
 * without `org-access:`), as `namespaceValues` returns them.
 */
export function placeholderProblems(values: Record<string, unknown>): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    walk(values, "", (path, leaf) => {
        if (!isPlaceholder(leaf)) return;
        const secret = SECRET_KEY.test(lastKey(path));
        problems.push({
            path,
            message: secret
                ? `is the example placeholder "${leaf}", not a secret: a trust condition that everyone who reads the stack file knows protects nothing`
                : `is the example placeholder "${leaf}"`,
            fix: fixFor(path, secret),
        });
    });
    return problems;
}

/**
 * Warnings about a stack file as it is written, before anything is decrypted: placeholders, and
 * ExternalIds given in plain text (readable by everyone who can read the repository) instead of
 * as `secure:` values. `config` is what `readStackFile` returns.
 */
export function stackFileWarnings(config: Record<string, string>): ConfigProblem[] {
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(decodeValues(config)))
        if (k.startsWith(`${NAMESPACE}:`)) values[k.slice(NAMESPACE.length + 1)] = v;
    const warnings = placeholderProblems(values);
    walk(values, "", (path, leaf) => {
        if (typeof leaf !== "string" || !SECRET_KEY.test(lastKey(path))) return;
        if (isPlaceholder(leaf) || OFFLINE_SECRET.test(leaf)) return;
        warnings.push({
            path,
            message: "is a secret written in plain text in the stack file",
            fix: fixFor(path, true),
        });
    });
    return warnings;
}
