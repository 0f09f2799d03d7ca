// The project's stacks, read from its stack files: `Pulumi.security.yaml`, and one
// `Pulumi.workload.yaml` or `Pulumi.workload-<shard>.yaml` per workload stack. The security stack's
// `workloadStacks` names the workload stacks whose roles its groups may assume; CI previews and
// deploys every stack that has a file. The two must agree, or a shard would be deployed that nobody
// may reach (a file not listed), or the security stack would fail on a file that is not there (a
// listed stack without one). `npm run stacks` (scripts/stacks.ts) prints what this module finds.
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../cli/errors";
import { securityConfigSchema } from "../config/schema/security";
import { NAMESPACE } from "../config/schema/constants";
import {
    decodeValues,
    howToCreate,
    PROJECT_ROOT,
    readStackFile,
    StackFileError,
} from "../config/stackFile";
import { parseStackName, StackNameError } from "./names";

export interface ProjectStacks {
    /** The security stack: always `security`. */
    readonly security: string;
    /** Every workload stack, in the order of the security stack's `workloadStacks`. */
    readonly workload: readonly string[];
}

/** The stack files and `workloadStacks` disagree, or a file is unreadable (exit 2); every problem at once. */
export class StackFilesError extends UsageError {
    constructor(public readonly problems: readonly string[]) {
        super(
            `the stack files do not make a valid set of stacks (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `* ${p}`).join("\n")}`,
        );
    }
}

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;
const KEY = `${NAMESPACE}:workloadStacks`;

/** `[workload, workload-eu]`, as the value of a YAML key. */
const flow = (names: readonly string[]) => `[${names.join(", ")}]`;

/**
 * The stacks of the project in `root`, checked: every `Pulumi.<stack>.yaml` is named by the stack
 * rule (stacks/names.ts), the security stack's file exists, and its `workloadStacks` (default
 * `[workload]`, as config/schema/security.ts says) lists exactly the workload stacks that have a
 * file. Throws StackFilesError with every problem and its fix.
 */
export function readProjectStacks(root: string = PROJECT_ROOT): ProjectStacks {
    const problems: string[] = [];
    const files: string[] = [];
    for (const f of fs.readdirSync(root).sort()) {
        const name = STACK_FILE.exec(f)?.[1];
        if (name === undefined) continue;
        try {
            parseStackName(name);
            files.push(name);
        } catch (e) {
            if (!(e instanceof StackNameError)) throw e;
            problems.push(
                `${f}: ${e.message}; the program runs no other stack (rename the file, or delete it if it is not a stack of this project)`,
            );
        }
    }
    const withFile = files.filter((s) => s !== "security");
    const listed = readWorkloadStacks(root, files.includes("security"), problems);
    if (listed !== undefined) {
        const seen = new Set<string>();
        listed.forEach((stack, i) => {
            const at = `${KEY}[${i}] in Pulumi.security.yaml`;
            if (seen.has(stack)) {
                problems.push(`${at}: "${stack}" is listed twice (remove one)`);
                return;
            }
            seen.add(stack);
            try {
                parseStackName(stack, ["workload"]);
            } catch (e) {
                if (!(e instanceof StackNameError)) throw e;
                problems.push(`${at}: ${e.message}`);
                return;
            }
            if (!withFile.includes(stack))
                problems.push(
                    `${at}: stack "${stack}" has no Pulumi.${stack}.yaml, so the security stack cannot read its accounts and CI would preview and deploy nothing for it (${howToCreate(stack, root)}; or remove "${stack}" from ${KEY})`,
                );
        });
        const unlisted = withFile.filter((s) => !listed.includes(s));
        // The fix names the whole list, so the user does not have to work out the indices.
        const wanted = [...listed.filter((s) => withFile.includes(s)), ...unlisted];
        for (const stack of unlisted)
            problems.push(
                `Pulumi.${stack}.yaml: stack "${stack}" is not in the security stack's ${KEY}, so CI would deploy its roles but no group of the security account could assume them (set ${KEY}: ${flow(wanted)} in Pulumi.security.yaml, or delete the file if the stack is retired)`,
            );
    }
    if (problems.length > 0) throw new StackFilesError(problems);
    return { security: "security", workload: [...listed!] };
}

/**
 * The security stack's `workloadStacks`, validated by the program's own schema for that key (the
 * default when absent); undefined, with the problem recorded, when it cannot be read.
 */
function readWorkloadStacks(
    root: string,
    exists: boolean,
    problems: string[],
): readonly string[] | undefined {
    if (!exists) {
        problems.push(
            `Pulumi.security.yaml is missing: the security stack's file names the workload stacks (${KEY}), and CI previews and deploys it first (${howToCreate("security")})`,
        );
        return undefined;
    }
    let values: Record<string, unknown>;
    try {
        values = decodeValues(readStackFile(path.join(root, "Pulumi.security.yaml")).config);
    } catch (e) {
        if (!(e instanceof StackFileError)) throw e;
        // A multi-line error (one line per problem) stays one item of this list.
        problems.push(e.message.replace(/\n/g, "\n  "));
        return undefined;
    }
    const parsed = securityConfigSchema.shape.workloadStacks.safeParse(values[KEY]);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
        const at = issue.path.map((p) => `[${String(p)}]`).join("");
        problems.push(`${KEY}${at} in Pulumi.security.yaml: ${issue.message}`);
    }
    return undefined;
}
