// `npm run --silent stacks -- [--kind security|workload] [--matrix]`
//
// Lists the project's stacks from its stack files (stacks/stackFiles.ts): the security stack, then
// every workload stack in the order of the security stack's `workloadStacks`, after checking that
// the files and that list agree. With --matrix it prints the GitHub Actions matrix the workflows
// build their jobs from (preview.yml, deploy.yml: `fromJSON` of a job output), so adding a shard
// file is all it takes for CI to preview and deploy it. Reads files only; writes nothing.
import { defineCommand, Io, runCommand, start, STDIO, UsageError } from "../cli/command";
import { PROJECT_ROOT } from "../config/stackFile";
import { StackKind } from "../stacks/names";
import { readProjectStacks } from "../stacks/stackFiles";

/**
 * GitHub runs at most 256 jobs from one job matrix in a workflow run ("Job matrix: 256 jobs /
 * workflow run", https://docs.github.com/en/actions/reference/limits); preview.yml previews every
 * stack, security included, in one matrix, so that is the project's bound. Several matrix jobs of
 * 256 each could go further, but at a deliberately chosen shard size 255 shards are already several
 * thousand accounts, more than this design targets; past that, fewer and larger shards (larger
 * runners, a higher `maxAccountsPerStack`) or StackSet mode, where CloudFormation fans the role out,
 * are the way, not more copies of the same job in the workflow files. So the command refuses.
 */
export const MATRIX_JOB_LIMIT = 256;

/**
 * The longest stack name CI can run. Each job names its AWS session after its stack
 * (`role-session-name: org-access-preview-<stack>` in preview.yml, `org-access-up-<stack>` in
 * deploy.yml), and STS takes a role session name of at most 64 characters (RoleSessionName,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html): a longer
 * shard name would fail that job at configure-aws-credentials, after the others had deployed.
 * test/workflows.spec.ts checks every session name of the workflows against it.
 */
export const ROLE_SESSION_NAME_LIMIT = 64;
export const LONGEST_SESSION_PREFIX = "org-access-preview-";
export const MAX_CI_STACK_NAME = ROLE_SESSION_NAME_LIMIT - LONGEST_SESSION_PREFIX.length;

export const USAGE = `usage: npx org-access stacks [--kind security|workload] [--matrix]

Lists the project's stacks from its stack files: security (Pulumi.security.yaml), then each
workload stack (Pulumi.workload.yaml, Pulumi.workload-<shard>.yaml) in the order of the security
stack's org-access:workloadStacks. Checks every file name against the stack-name rule and that
workloadStacks lists exactly the workload stacks that have a file. Writes nothing.

  --kind KIND   only the security stack, or only the workload stacks
  --matrix      print a GitHub Actions matrix instead, on one line: {"stack":["security",...]};
                refused beyond ${MATRIX_JOB_LIMIT} stacks in all, GitHub's limit for one matrix, and
                for a stack name longer than ${MAX_CI_STACK_NAME} characters (the jobs' AWS session names)

Exit codes: 0 ok; 2 a stack file named outside the rule, a workload stack file that
workloadStacks does not list, a listed stack without a file, an unreadable Pulumi.security.yaml,
more stacks than one matrix holds or a stack name too long for CI (--matrix), or usage.
npm run --silent stacks -- ARGS is the same command (without --silent, npm's banner comes first).`;

export interface StacksOptions {
    readonly kind?: StackKind;
    readonly matrix: boolean;
}

export const command = defineCommand({
    usage: USAGE,
    invocation: "npx org-access stacks",
    options: {
        kind: { type: "string" },
        matrix: { type: "boolean" },
    },
    valueNames: { kind: "security or workload" },
    build: (v): StacksOptions => {
        if (v.kind !== undefined && v.kind !== "security" && v.kind !== "workload")
            throw new UsageError(`--kind must be security or workload, not "${v.kind}"`);
        return { kind: v.kind, matrix: v.matrix ?? false };
    },
});

/** The stacks to print, or a UsageError when CI could not run them all in one matrix. */
export function listStacks(options: StacksOptions, root: string = PROJECT_ROOT): string[] {
    const { security, workload } = readProjectStacks(root);
    const all = [security, ...workload];
    if (options.matrix && all.length > MATRIX_JOB_LIMIT)
        throw new UsageError(
            `${all.length} stacks (security and ${workload.length} workload stacks), but GitHub Actions runs at most ${MATRIX_JOB_LIMIT} jobs from one matrix in a workflow run, and preview.yml previews every stack in one matrix: merge shards into fewer, larger ones (larger runners, a higher org-access:maxAccountsPerStack), or deploy the audit role with StackSet mode (docs/scaling.md)`,
        );
    const long = options.matrix ? all.filter((s) => s.length > MAX_CI_STACK_NAME) : [];
    if (long.length > 0)
        throw new UsageError(
            long
                .map(
                    (s) =>
                        `stack "${s}" has ${s.length} characters; CI names each job's AWS session ${LONGEST_SESSION_PREFIX}<stack>, and STS takes at most ${ROLE_SESSION_NAME_LIMIT} characters: name the shard with at most ${MAX_CI_STACK_NAME - "workload-".length} characters (npx org-access account move into a shorter one)`,
                )
                .join("\n"),
        );
    if (options.kind === "security") return [security];
    if (options.kind === "workload") return [...workload];
    return all;
}

export function main(argv: readonly string[], io: Io = STDIO, root: string = PROJECT_ROOT): number {
    return runCommand(command, argv, io, (options) => {
        const stacks = listStacks(options, root);
        io.out.write(
            options.matrix
                ? `${JSON.stringify({ stack: stacks })}\n`
                : stacks.map((s) => `${s}\n`).join(""),
        );
        return 0;
    });
}

if (require.main === module) start(main);
