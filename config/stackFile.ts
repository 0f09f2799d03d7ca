// Reads a `Pulumi.<stack>.yaml` file the way the Pulumi engine hands config to a program:
// every value is a string, structured values are JSON, and secrets are listed by key.
// Secrets cannot be decrypted offline, so each `secure:` value becomes a stable placeholder
// that is still marked secret.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { ConfigProblem } from "./errors";
import { closest } from "./didYouMean";

export interface StackFileConfig {
    /** `{ "org-access:key": "value" }`, values as the engine passes them to a program. */
    readonly config: Record<string, string>;
    /** Keys whose value is, or contains, a secret. */
    readonly secretKeys: string[];
}

/**
 * Thrown when a stack file cannot be read or is not a Pulumi stack file, or holds what this
 * program cannot read offline. `problems` lists every problem found (key, message, fix), when
 * there are several to report; the message always says them all.
 */
export class StackFileError extends Error {
    constructor(
        message: string,
        public readonly problems: readonly ConfigProblem[] = [],
    ) {
        super(message);
        this.name = "StackFileError";
    }

    /** One error for every problem of `source`, each as `* <key>: <problem> (<fix>)`. */
    static of(source: string, problems: readonly ConfigProblem[]): StackFileError {
        const lines = problems.map((p) => `* ${p.path}: ${p.message}${p.fix ? ` (${p.fix})` : ""}`);
        return new StackFileError(
            `${source} cannot be read (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${lines.join("\n")}`,
            problems,
        );
    }
}

/**
 * The top-level keys of a stack settings file, as the Pulumi CLI reads them: anything else (a
 * misspelt `secretsProvider`, a config key that lost its indentation) the CLI ignores.
 * https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/
 */
export const STACK_FILE_KEYS: readonly string[] = [
    "secretsprovider",
    "encryptedkey",
    "encryptionsalt",
    "config",
    "environment",
];

/**
 * `pulumi env run` of the file's first imported environment (`environment:` is a list of names, or
 * a map with `imports:`), or words when it names none: a `<org>/<environment>` pasted into bash
 * reads a file.
 * https://www.pulumi.com/docs/esc/guides/pulumi-iac/
 */
function envRun(environment: unknown, stack: string): string {
    const imports = Array.isArray(environment)
        ? environment
        : (environment as { imports?: unknown } | null)?.imports;
    const first = Array.isArray(imports) ? imports[0] : undefined;
    return typeof first === "string" && /^[\w./-]+$/.test(first)
        ? `pulumi env run ${first} -- pulumi up --stack ${stack}`
        : `pulumi env run with the environment's name, followed by -- pulumi up --stack ${stack}`;
}

/** Problems with a stack file's top level: unknown keys, and ESC environments. */
function topLevelProblems(doc: Record<string, unknown>, stack: string): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    for (const key of Object.keys(doc)) {
        if (key === "environment") {
            // Pulumi ESC environments are opened by Pulumi Cloud when `pulumi preview` or
            // `pulumi up` runs; their `pulumiConfig` values are in no file. Planned without them,
            // a stack would be planned with other values than it deploys with, so it is refused.
            // https://www.pulumi.com/docs/esc/environments/syntax/reserved-properties/pulumi-config/
            problems.push({
                path: "environment",
                message:
                    "imports Pulumi ESC environments, whose values only Pulumi Cloud can open: the offline plan, verify, the account commands and the security stack (which reads every workload stack's file) would all read this stack without them",
                fix: `write the org-access: and aws:region values into config: of this file (see what the environment gives with: pulumi config --open --show-secrets --stack ${stack}), and run pulumi with the environment's credentials instead: ${envRun(doc.environment, stack)}`,
            });
            continue;
        }
        if (STACK_FILE_KEYS.includes(key)) continue;
        const near = closest(key, STACK_FILE_KEYS);
        problems.push({
            path: key,
            message: `is not a key of a stack file, so Pulumi ignores it (a stack file holds ${STACK_FILE_KEYS.join(", ")})`,
            fix: key.includes(":")
                ? "it looks like a config key: indent it under config:"
                : near
                  ? `did you mean '${near}'? rename it`
                  : "remove it",
        });
    }
    return problems;
}

/**
 * Problems with the project file beside the stack files: project-level `config:` and
 * `stackConfigDir`. Pulumi.yaml's `config:` (Pulumi CLI 3.44 and later) gives every stack a value
 * the stack file does not hold. This program has two kinds of stack with different keys, and every
 * offline reader (the plan, verify, the account commands that edit stack files, and the security
 * stack, which reads each workload stack's file for its accounts) reads a stack from its own file:
 * an inherited value would be seen by `pulumi up` and by none of them. So a project-level value
 * for `org-access:` or `aws:` is refused rather than read half the time; `pulumi:tags`, which
 * `pulumi new` writes there, is the engine's own. `stackConfigDir` would move the stack files away
 * from where every reader looks.
 * https://www.pulumi.com/docs/iac/concepts/projects/project-file/
 */
export function projectFileProblems(root: string): ConfigProblem[] {
    const file = path.join(root, "Pulumi.yaml");
    let doc: unknown;
    try {
        doc = YAML.parse(fs.readFileSync(file, "utf8"), { logLevel: "error" });
    } catch {
        // No project file, or one Pulumi itself will refuse: nothing this program could add.
        return [];
    }
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return [];
    const problems: ConfigProblem[] = [];
    const project = doc as { config?: unknown; stackConfigDir?: unknown };
    const config = project.config;
    if (typeof config === "object" && config !== null && !Array.isArray(config)) {
        for (const [key, entry] of Object.entries(config)) {
            if (key.startsWith("pulumi:")) continue;
            // A schema declaration without `default` (or `value`) gives the stacks nothing to
            // inherit: it only declares a key each stack sets in its own file, which is read.
            if (
                typeof entry === "object" &&
                entry !== null &&
                !Array.isArray(entry) &&
                !("value" in entry) &&
                !("default" in entry)
            )
                continue;
            // A key without a namespace is the project's own: org-access:<key>.
            const full = key.includes(":") ? key : `org-access:${key}`;
            problems.push({
                path: `Pulumi.yaml config.${key}`,
                message:
                    "is project-level config, which every stack inherits from Pulumi.yaml; this program reads a stack's values from its own Pulumi.<stack>.yaml only (the offline plan, verify, the account commands and the security stack read those files), so it would be seen by pulumi up alone",
                fix: `set it in each stack that needs it (pulumi config set --stack followed by the stack's name, ${full} and its value; --path for a list or map), then delete it from Pulumi.yaml`,
            });
        }
    }
    // `config: <folder>` is the deprecated spelling of stackConfigDir (the project file reference's
    // "Deprecated attributes": "Config directory relative to the location of Pulumi.yaml").
    if (typeof config === "string")
        problems.push({
            path: "Pulumi.yaml config",
            message:
                "is a folder name: the deprecated form of stackConfigDir, which moves the stack files away from Pulumi.yaml, where this program's offline readers look for Pulumi.<stack>.yaml",
            fix: "keep the stack files beside Pulumi.yaml and delete config",
        });
    if (project.stackConfigDir !== undefined)
        problems.push({
            path: "Pulumi.yaml stackConfigDir",
            message:
                "moves the stack files away from Pulumi.yaml, where this program's offline readers look for Pulumi.<stack>.yaml",
            fix: "keep the stack files beside Pulumi.yaml and delete stackConfigDir",
        });
    return problems;
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

/** The stack a file name names: `workload-eu` of `Pulumi.workload-eu.yaml`. */
function stackOf(source: string): string {
    return /^Pulumi\.(.+)\.yaml$/.exec(path.basename(source))?.[1] ?? "<stack>";
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
    const problems = topLevelProblems(doc as Record<string, unknown>, stackOf(source));
    if (problems.length > 0) throw StackFileError.of(source, problems);
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

/**
 * How to create the missing stack file of `stack`, as this project does it. `pulumi stack init`
 * alone writes no file on Pulumi Cloud (the stack lives in the backend until a config value is
 * set), so the commands set the two keys every workload stack needs: with the security stack's
 * own region and account id when `root` holds a readable Pulumi.security.yaml, in words otherwise
 * (a `<placeholder>` pasted into bash reads a file).
 */
export function howToCreate(stack: string, root?: string): string {
    if (stack === "security")
        return "the project ships an example Pulumi.security.yaml: restore it (git checkout -- Pulumi.security.yaml) and replace its example ids, or create the stack with pulumi stack init security and set its keys (docs/configuration.md)";
    const known = root === undefined ? {} : securityBasics(root);
    const region =
        known.region !== undefined
            ? `pulumi config set --stack ${stack} aws:region ${known.region}`
            : `set its aws:region to the security stack's region (pulumi config set --stack ${stack} aws:region and the region)`;
    const id =
        known.accountId !== undefined
            ? `pulumi config set --stack ${stack} org-access:securityAccountId ${known.accountId}`
            : `set org-access:securityAccountId to the security account's id (pulumi config set --stack ${stack} org-access:securityAccountId and the id)`;
    return `create it: pulumi stack init ${stack} (with --secrets-provider, as for the other stacks), then ${region}, then ${id}, then add accounts with npx org-access account add -s ${stack} and each account's --name and --id; or leave out -s and account add opens a shard file itself when the stacks are full`;
}

/** The security stack's aws:region and securityAccountId, where its file in `root` has valid ones. */
function securityBasics(root: string): { region?: string; accountId?: string } {
    try {
        const { config } = parseStackFile(
            fs.readFileSync(path.join(root, "Pulumi.security.yaml"), "utf8"),
            "Pulumi.security.yaml",
        );
        const region = config["aws:region"];
        const accountId = config["org-access:securityAccountId"];
        return {
            region: /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region ?? "") ? region : undefined,
            accountId: /^\d{12}$/.test(accountId ?? "") ? accountId : undefined,
        };
    } catch {
        // No security stack file, or one with its own problems, which are reported where it is read.
        return {};
    }
}

/**
 * Reads a stack file, with the problems of the project file beside it (projectFileProblems):
 * every problem of both at once.
 */
export function readStackFile(file: string): StackFileConfig {
    let text: string;
    const source = path.basename(file);
    const project = projectFileProblems(path.dirname(file));
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT")
            throw StackFileError.of(source, [
                ...project,
                {
                    path: source,
                    message: `does not exist in ${path.dirname(file)}`,
                    fix: howToCreate(stackOf(source), path.dirname(file)),
                },
            ]);
        throw new StackFileError(`cannot read ${file}: ${code ?? (e as Error).message}`);
    }
    try {
        const parsed = parseStackFile(text, source);
        if (project.length > 0) throw StackFileError.of(source, project);
        return parsed;
    } catch (e) {
        if (!(e instanceof StackFileError) || project.length === 0 || e.problems === project)
            throw e;
        // Both files have problems: say them all at once.
        const own = e.problems.length > 0 ? e.problems : [{ path: source, message: e.message }];
        throw StackFileError.of(source, [...project, ...own]);
    }
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
