// Where a report comes from: when it was made, from which commit of the project, by which version
// of the tool, from which config, by which command (and, for `verify`, as whom and in which
// Region). An auditor comparing two dated reports needs to know what changed between them; the
// config hashes and the commit say it without the files at hand.
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../config/stackFile";

/** The project's commit, as git reports it; `undefined` outside a git checkout. */
export interface Commit {
    readonly full: string;
    readonly short: string;
    /** Tracked files have changes that the commit does not hold (untracked files do not count). */
    readonly dirty: boolean;
}

/** One file the report was planned from, with the SHA-256 of its bytes. */
export interface HashedFile {
    /** The path as shown, relative to the project root when it is inside it. */
    readonly path: string;
    readonly sha256: string;
}

export interface Provenance {
    readonly generatedAt: Date;
    /** The commit, or the reason there is none ("not a git checkout"). */
    readonly commit: Commit | string;
    /** package.json's version. */
    readonly version: string;
    /** The command line, secrets masked. */
    readonly command: string;
    /**
     * Every config file the plan may have read (configFilesOf): the files given, every stack file
     * of the planned folder, the policy-pack config.
     */
    readonly files: readonly HashedFile[];
    /** `verify` only: the identity it ran as and the Region it asked. */
    readonly caller?: { readonly arn: string; readonly account: string };
    readonly region?: string;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/**
 * The combined hash of the files: the SHA-256 of `sha256sum`'s output for them, in their order
 * ("<hash>  <path>\n" per file), so `sha256sum FILE... | sha256sum` run in the project folder
 * gives the same value (coreutils' format: two spaces between hash and name, one line per file).
 */
export function combinedHash(files: readonly HashedFile[]): string {
    return sha256(files.map((f) => `${f.sha256}  ${f.path}\n`).join(""));
}

/** The file's SHA-256, named relative to `root` when it is inside it. */
export function hashFile(file: string, root = PROJECT_ROOT): HashedFile {
    const relative = path.relative(root, path.resolve(file));
    return {
        path:
            relative && !relative.startsWith("..") && !path.isAbsolute(relative)
                ? relative.split(path.sep).join("/")
                : file,
        sha256: sha256(fs.readFileSync(file)),
    };
}

/** A stack file's name: `Pulumi.<stack>.yaml` (stacks/stackFiles.ts reads the same). */
const STACK_FILE = /^Pulumi\.[^/\\]+\.yaml$/;

/**
 * The config files a plan of the stack files in `folder` depends on, to be hashed: the files given
 * on the command line (`--config-file`, `--security-config-file`), then every `Pulumi.<stack>.yaml`
 * of the folder, by name, then the pack config; each once. Every stack file of the folder, not
 * only the planned stack's: planning a workload stack plans the security stack first (its outputs,
 * Pulumi.security.yaml), and the security stack reads the file of every stack its `workloadStacks`
 * lists. A file no plan reads (a stack the security stack does not list) changes the hash too:
 * the hash may say "changed" for nothing, never "unchanged" for a change.
 */
export function configFilesOf(args: {
    readonly folder: string;
    readonly given?: readonly (string | undefined)[];
    readonly policyConfig: string;
}): string[] {
    const stackFiles = fs.existsSync(args.folder)
        ? fs
              .readdirSync(args.folder)
              .filter((f) => STACK_FILE.test(f))
              .sort()
              .map((f) => path.join(args.folder, f))
        : [];
    const seen = new Set<string>();
    return [
        ...(args.given ?? []).filter((f): f is string => f !== undefined),
        ...stackFiles,
        args.policyConfig,
    ].filter((f) => {
        const key = path.resolve(f);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/**
 * The commit of the checkout at `root`: full and short hash and whether the work tree has changes.
 * Never throws: a report is still worth having without git (a tarball, no git installed), and it
 * says so instead.
 */
export function gitCommit(root = PROJECT_ROOT): Commit | string {
    const git = (...args: string[]) =>
        execFileSync("git", args, {
            cwd: root,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        }).trim();
    try {
        const full = git("rev-parse", "HEAD");
        const short = git("rev-parse", "--short", "HEAD");
        // Untracked files do not count: the first dated report written into a folder of the
        // checkout (`--report evidence/`) would make every later report "+dirty". A stack file the
        // plan reads but git does not track is hashed in the Config list all the same.
        // https://git-scm.com/docs/git-status (-u, --untracked-files=no: "Show no untracked files")
        const dirty = git("status", "--porcelain", "--untracked-files=no").length > 0;
        return { full, short, dirty };
    } catch {
        return "not a git checkout";
    }
}

/** package.json's version, or "unknown" when the file cannot be read. */
export function toolVersion(root = PROJECT_ROOT): string {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
            version?: unknown;
        };
        return typeof pkg.version === "string" ? pkg.version : "unknown";
    } catch {
        return "unknown";
    }
}

/** Masks what must not land in a report: MFA codes and ExternalIds given on the command line. */
export function maskCommand(command: string): string {
    return command.replace(/(--(?:token-code|external-id)(?:=|\s+))\S+/g, "$1******");
}

/**
 * The provenance of a run of the CLI at this moment. `files` are the config files it planned from
 * (configFilesOf); a file that cannot be read is left out, since planning would have failed.
 */
export function currentProvenance(args: {
    readonly command: string;
    readonly files: readonly string[];
    readonly caller?: Provenance["caller"];
    readonly region?: string;
    readonly now?: Date;
    readonly root?: string;
}): Provenance {
    const root = args.root ?? PROJECT_ROOT;
    return {
        generatedAt: args.now ?? new Date(),
        commit: gitCommit(root),
        version: toolVersion(root),
        command: maskCommand(args.command),
        files: args.files.filter((f) => fs.existsSync(f)).map((f) => hashFile(f, root)),
        ...(args.caller ? { caller: args.caller } : {}),
        ...(args.region ? { region: args.region } : {}),
    };
}

/** ISO 8601 in UTC, to the second: 2026-11-26T12:41:01Z. */
export function isoSeconds(d: Date): string {
    return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The report's "Provenance" section. */
export function provenanceSection(p: Provenance): string[] {
    const commit =
        typeof p.commit === "string"
            ? p.commit
            : `\`${p.commit.short}\` (${p.commit.full})${p.commit.dirty ? " +dirty: tracked files have changes the commit does not hold" : ""} (untracked files are not counted)`;
    const out = [
        "## Provenance",
        "",
        `- **Generated**: ${isoSeconds(p.generatedAt)} (UTC)`,
        `- **Commit**: ${commit}`,
        `- **Tool version**: org-access ${p.version}`,
        `- **Command**: \`${p.command.replace(/`/g, "'")}\``,
        ...(p.caller ? [`- **Ran as**: ${p.caller.arn} (account ${p.caller.account})`] : []),
        ...(p.region ? [`- **Region**: ${p.region}`] : []),
    ];
    if (p.files.length > 0)
        out.push(
            `- **Config**: SHA-256 of the bytes of every stack file of the planned folder (a plan reads the security stack's and the workload stacks' files together), the files given and the pack config; combined: \`${combinedHash(p.files)}\` (\`sha256sum ${p.files.map((f) => f.path).join(" ")} | sha256sum\` in the project folder gives the same)`,
            "",
            "| file | SHA-256 |",
            "|---|---|",
            ...p.files.map((f) => `| \`${f.path}\` | \`${f.sha256}\` |`),
        );
    out.push("");
    return out;
}
