// Reads a `Pulumi.<stack>.yaml` file the way the Pulumi engine hands config to a program:
// every value is a string, structured values are JSON, and secrets are listed by key.
// Secrets cannot be decrypted offline, so each `secure:` value becomes a stable placeholder
// that is still marked secret.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export interface StackFileConfig {
    /** `{ "org-access:key": "value" }`, values as the engine passes them to a program. */
    readonly config: Record<string, string>;
    /** Keys whose value is, or contains, a secret. */
    readonly secretKeys: string[];
}

/** Thrown when a stack file cannot be read or is not a Pulumi stack file. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/** Root of the project: the nearest folder above this module that holds Pulumi.yaml (from source or from dist/). */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
    for (let dir = start; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
        if (path.dirname(dir) === dir) return path.resolve(start, "..");
    }
}

export function stackFilePath(stack: string, root = PROJECT_ROOT): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}

/** A placeholder for an encrypted value: stable for the same ciphertext, and a valid ExternalId. */
export function secretPlaceholder(ciphertext: string): string {
    return `offline-secret-${createHash("sha256").update(ciphertext).digest("hex").slice(0, 16)}`;
}

function isSecure(v: unknown): v is { secure: string } {
    return (
        typeof v === "object" &&
        v !== null &&
        !Array.isArray(v) &&
        Object.keys(v).length === 1 &&
        typeof (v as { secure?: unknown }).secure === "string"
    );
}

function replaceSecrets(v: unknown, found: { secret: boolean }): unknown {
    if (isSecure(v)) {
        found.secret = true;
        return secretPlaceholder(v.secure);
    }
    if (Array.isArray(v)) return v.map((x) => replaceSecrets(x, found));
    if (typeof v === "object" && v !== null) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replaceSecrets(x, found)]));
    }
    return v;
}

/** Parses the text of a stack file. */
export function parseStackFile(text: string, source: string): StackFileConfig {
    let doc: unknown;
    try {
        // Errors throw; warnings (an unknown tag, say) are not worth a console line in the middle of a plan.
        doc = YAML.parse(text, { logLevel: "error" });
    } catch (e) {
        throw new StackFileError(`${source} is not valid YAML: ${(e as Error).message}`);
    }
    if (doc === null || doc === undefined) return { config: {}, secretKeys: [] };
    if (typeof doc !== "object" || Array.isArray(doc))
        throw new StackFileError(`${source} must be a YAML map with a "config:" section`);
    const section = (doc as { config?: unknown }).config ?? {};
    if (typeof section !== "object" || section === null || Array.isArray(section)) {
        throw new StackFileError(`${source}: "config:" must be a map of "namespace:key" to values`);
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(section)) {
        const found = { secret: false };
        const plain = replaceSecrets(value, found);
        // Scalars reach a program as strings; lists and maps as JSON (what `pulumi config --path` stores).
        config[key] =
            typeof plain === "string"
                ? plain
                : typeof plain === "object" && plain !== null
                  ? JSON.stringify(plain)
                  : String(plain);
        if (found.secret) secretKeys.push(key);
    }
    return { config, secretKeys };
}

export function readStackFile(file: string): StackFileConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new StackFileError(
            `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
    }
    return parseStackFile(text, path.basename(file));
}

/** Parses config values the way a program receives them: JSON for lists and maps, strings otherwise. */
export function decodeValues(config: Record<string, string>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) {
        const t = v.trim();
        if (t.startsWith("[") || t.startsWith("{")) {
            try {
                out[k] = JSON.parse(t);
                continue;
            } catch {
                // Not JSON after all: keep the string, and the schema says what was expected.
            }
        }
        out[k] = v;
    }
    return out;
}
