// `npx org-access [plan] [--stack security|workload|workload-<shard>] [--config-file PATH] [--json]`
// (`npm start -- ...` is an alias)
//
// The offline plan's command: reads the arguments, runs plan/offline.ts (every stack of the
// project without --stack, in worker processes: plan/workers.ts), prints plan/render.ts's output,
// writes the report and the pack config. Exit codes (cli/exitCodes.ts): 0 ok; 1 a policy
// violation, an evidence mismatch or an unsafe plan; 2 invalid config or usage.
// First: @pulumi/pulumi's automation API, closure serialization (TypeScript) and code paths (arborist) load only if something uses them.
import "./lazySdk";
import * as fs from "fs";
import * as path from "path";
import {
    defineCommand,
    Io,
    runCommand,
    start,
    STDIO,
    stackOption,
    UsageError,
} from "../cli/command";
import { adminExemptionsOf, renderReport, reportStackOf } from "../evidence/report";
import { configFilesOf, currentProvenance } from "../evidence/provenance";
import { checkReportTarget, writeReport } from "../evidence/reportFile";
import { failedProofs } from "../evidence/proofs";
import { mismatches } from "../evidence/simulate";
import { accountsOfOtherStacks, checkStacks, readAgainst } from "./against";
import { PROJECT_ROOT } from "../config/stackFile";
import { diffAgainst } from "./diff";
import { readProjectStacks } from "../stacks/stackFiles";
import { DEFAULT_POLICY_CONFIG, PlanOptions, planExitCode, runPlan } from "./offline";
import { MIN_STACKS_FOR_WORKERS, WORKERS_ENV, workerCount } from "./workers";
import { PROJECT } from "./run";
import { checkWritable } from "../cli/files";
import { configProblems } from "../cli/exitCodes";
import { paletteFor } from "../cli/colour";
import { planVerdict } from "./verdict";
import { FOLD_STACKS, toJson, toText, warningLines } from "./render";
import {
    PLAN_STATE_ENV,
    planStateDir,
    previousBaselines,
    readPreviousPlan,
    saveSuccessfulPlans,
} from "./previous";
import { FOLD_ACCOUNTS } from "./summary";

/** The command's options; no `stacks` (an empty list) plans every stack of the project. */
export interface CliOptions extends PlanOptions {
    readonly json: boolean;
    /** Write the Markdown evidence report to this file. */
    readonly report?: string;
    /** Write the effective policy-pack config of the planned stack here, for `pulumi preview`. */
    readonly writePolicyConfig?: string;
    /** Treat stack-file warnings (REPLACE-ME placeholders, plain-text secrets) as errors (exit 2). */
    readonly strict?: boolean;
    /** A previous plan's --json or a `pulumi stack export`: list what would be created, deleted, replaced. */
    readonly against?: string;
    /** --workers N; else ORG_ACCESS_PLAN_WORKERS, else one per CPU (plan/workers.ts, workerCount). */
    readonly requestedWorkers?: number;
    /** List every account, resource and change in the text, instead of the summary. */
    readonly verbose?: boolean;
}

export const USAGE = `usage: npx org-access [plan] [-s STACK] [-C DIR] [--config-file PATH] [--json] [--report FILE.md] [--strict] [--against FILE] [--workers N] [--verbose] [--policy-config FILE] [--write-policy-config FILE]

Plans the org-access program offline, with no cloud credentials: runs it under Pulumi's mock
runtime with the config of Pulumi.<stack>.yaml and summarises it by target account: resources,
and what is new, changed or removed since the stack's previous plan (saved in
.org-access/plans/, or ${PLAN_STATE_ENV}, by each plan that passes) or against --against FILE.
Without --stack, plans every stack of the project, as CI previews them (npx org-access stacks): the
security stack, then each workload stack (Pulumi.workload.yaml, Pulumi.workload-<shard>.yaml) in
the order of the security stack's org-access:workloadStacks. The security stack's program runs
once, first; the other stacks and every stack's evidence, proofs and pack run in worker processes.

  -s, --stack STACK    plan only this stack: security, workload or workload-<shard>, also written
                       as pulumi --stack takes it, ORG/STACK or ORG/PROJECT/STACK (PROJECT: the
                       name in Pulumi.yaml)
  -C, --cwd DIR        plan the stack files (Pulumi.<stack>.yaml) of DIR instead of the project's
                       folder, as if run there: a relative --config-file is read from DIR, and
                       the previous plan is kept in DIR/.org-access/plans
  --config-file PATH   read this stack file instead of Pulumi.<stack>.yaml (needs --stack)
  --json               print only JSON on stdout, every resource whatever the text folds (an error
                       too: {"error": {"message", "exitCode", "problems": [{"key", "message",
                       "fix"}]}}): {"stack", "resources": [{"type", "name", "urn", "accountId",
                       "accountName", "props", "parent", "provider", "options": {"protect",
                       "retainOnDelete", "dependsOn", "aliases"}}], "accounts": [{"accountId",
                       "accountName", "resources", "roles" (and with --against: "new", "changed",
                       "removed")}],
                       "evidence": [{"accountId", "role", "scenario", "expected", "simulated", "reason"}],
                       "proofs": [{"id", "statement", "holds", "checked", "unit", "assumptions",
                                   "counterexamples": [{"principal", "path", "action", "resource",
                                                        "statements", "reason"}]}],
                       "violations": [...], "warnings": [{"path", "message", "fix"}],
                       "engine": {"providers", "estimatedPeakMemoryMb"}}
                       (with several stacks: {"stacks": [ ... ]}). engine: the provider processes
                       pulumi preview/up starts for the stack and the whole deployment's estimated
                       peak memory (docs/BENCHMARKS.md)
  --report FILE.md     also write a Markdown report: access graph, evidence matrix, proofs, controls
  --policy-config FILE policy-pack config, as for --policy-pack-config (default policypack/policy-config.json)
  --write-policy-config FILE
                       write that config plus what only the stack knows (the accounts that must each
                       have an audit role), for pulumi preview --policy-pack-config (needs --stack)
  --strict             fail (exit 2) on stack-file warnings: REPLACE-ME example values, which
                       pulumi up refuses, and ExternalIds written in plain text instead of secure:
  --against FILE       compare with FILE, a previous plan's --json (one stack or {"stacks": [...]}) or
                       a pulumi stack export, as the engine would: list every resource to create,
                       delete or replace, and those found under an older name through an alias;
                       --json adds "diff": {"creates", "deletes", "replaces", "updates", "aliased",
                       "removals", "errors"} to each stack. A role that would be deleted and created again (a
                       rename no alias covers, a replacement, a move between the planned stacks or
                       to a stack whose Pulumi.workload*.yaml lists the account), a resource an
                       alias would take from another account or that two resources reach, and a
                       replaced or deleted StackSet or stack instance, is an error (exit 1) with
                       its fix; a role whose account left every stack file is a removal, reported.
                       An export without resources (a stack never deployed) is an empty stack
  --verbose            list every stack, account, resource and change: the summary folds the
                       accounts without change past ${FOLD_ACCOUNTS} in a stack, and the stacks without
                       change past ${FOLD_STACKS} stacks; --json always lists everything
  --workers N          plan in N worker processes (1: all in this process); default
                       ${WORKERS_ENV}, else one process for fewer than ${MIN_STACKS_FOR_WORKERS} stacks and
                       one per CPU (os.availableParallelism()) from there, at most one per 512 MB
                       of half the machine's memory and one per stack

The last line says ok or failed with the counts: stacks, violations, scenarios, proofs.
npm start -- ARGS is the same command; npm prints its banner on stdout first unless you run
npm start --silent -- ARGS.

Exit codes: 0 ok; 1 a policy violation, an evidence mismatch, a proof that does not hold, an
unsafe plan or (--against) a role deleted and created again; 2 invalid config
or usage, or (with --strict) a stack-file warning.`;

export const command = defineCommand({
    usage: USAGE,
    invocation: "npx org-access plan",
    options: {
        stack: { type: "string", short: "s" },
        cwd: { type: "string", short: "C" },
        "config-file": { type: "string" },
        json: { type: "boolean" },
        report: { type: "string" },
        "policy-config": { type: "string" },
        "write-policy-config": { type: "string" },
        strict: { type: "boolean" },
        against: { type: "string" },
        workers: { type: "string" },
        verbose: { type: "boolean" },
    },
    valueNames: {
        stack: "a STACK",
        cwd: "a folder",
        "config-file": "a PATH",
        report: "a FILE.md",
        "policy-config": "a FILE",
        "write-policy-config": "a FILE",
        against: "a FILE",
        workers: "N",
    },
    build(values): CliOptions {
        const stack = values.stack === undefined ? undefined : stackOption(values.stack).name;
        const root = values.cwd === undefined ? undefined : projectFolder(values.cwd);
        if (values["write-policy-config"] !== undefined && stack === undefined)
            throw new UsageError(
                "--write-policy-config needs --stack: each stack gets its own config",
            );
        if (values["config-file"] !== undefined && stack === undefined)
            throw new UsageError(
                "--config-file needs --stack, to say which stack the file configures",
            );
        const workers = values.workers === undefined ? undefined : Number(values.workers);
        if (workers !== undefined && (!Number.isSafeInteger(workers) || workers < 1))
            throw new UsageError(
                `--workers must be a whole number of worker processes, at least 1 (got "${values.workers}")`,
            );
        return {
            // Without --stack: every stack CI previews; resolved when the plan runs (plan()),
            // since it reads the stack files.
            stacks: stack ? [stack] : [],
            ...(root !== undefined ? { root } : {}),
            // As with pulumi -C: a relative path is read as if the command ran in DIR.
            configFile:
                values["config-file"] !== undefined && root !== undefined
                    ? path.resolve(root, values["config-file"])
                    : values["config-file"],
            json: values.json ?? false,
            report: values.report,
            policyConfig: values["policy-config"],
            writePolicyConfig: values["write-policy-config"],
            ...(values.strict ? { strict: true } : {}),
            ...(values.against !== undefined ? { against: values.against } : {}),
            ...(workers !== undefined ? { requestedWorkers: workers } : {}),
            ...(values.verbose ? { verbose: true } : {}),
        };
    },
});

/** The --cwd folder, absolute; refused unless it is a folder that holds stack files. */
function projectFolder(dir: string): string {
    const root = path.resolve(dir);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory())
        throw new UsageError(`--cwd ${dir}: no such folder`);
    if (!fs.readdirSync(root).some((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)))
        throw new UsageError(
            `--cwd ${dir}: the folder holds no Pulumi.<stack>.yaml stack file (give the folder of the project's stack files)`,
        );
    return root;
}

/** The command line as options; "help" for --help. Throws UsageError. */
export function parseArgs(argv: readonly string[]): CliOptions | "help" {
    return command.parse(argv);
}

export function main(argv: readonly string[], out = STDIO.out, err = STDIO.err): Promise<number> {
    return runCommand(command, argv, { out, err }, (options) => plan(options, argv, { out, err }));
}

async function plan(given: CliOptions, argv: readonly string[], { out, err }: Io): Promise<number> {
    const stacks =
        given.stacks.length > 0
            ? given.stacks
            : (({ security, workload }) => [security, ...workload])(readProjectStacks(given.root));
    const options: CliOptions = {
        ...given,
        stacks,
        workers: workerCount(stacks.length, given.requestedWorkers),
    };
    // A file that cannot be written, or compared with, is refused before anything is planned.
    if (options.report !== undefined) checkReportTarget(options.report);
    if (options.writePolicyConfig !== undefined)
        checkWritable(options.writePolicyConfig, "--write-policy-config");
    const prior = options.against ? readAgainst(options.against, PROJECT) : undefined;
    if (prior && options.against) checkStacks(prior, options.stacks, options.against);
    // Without --against, the text compares each stack with its previous plan (plan/previous.ts),
    // saved in the planned project's folder.
    const stateDir = planStateDir(process.env, options.root);
    // Not under --json: the JSON is complete on its own and shows no comparison, so a program
    // reading it must neither use up nor move the baseline a person's next plan compares with.
    const previous =
        options.against || options.json
            ? undefined
            : new Map(
                  options.stacks.map((s) => [s, readPreviousPlan(s, options.configFile, stateDir)]),
              );
    const plans = await runPlan(options);
    const elsewhere = () => accountsOfOtherStacks(options.root ?? PROJECT_ROOT, options.stacks);
    const diffs =
        prior && options.against
            ? diffAgainst(
                  prior,
                  plans.map((p) => p.result),
                  options.against,
                  elsewhere(),
              )
            : undefined;
    const warnings = warningLines(plans);
    if (options.strict && warnings.length > 0)
        // Thrown, not written here: runCommand's fail() prints it as `error: ...` and, under
        // --json, as the {"error": {..., "problems": [...]}} document, so stdout stays JSON.
        throw new UsageError(
            warnings.map((w, i) => (i === 0 ? w : `error: ${w}`)).join("\n"),
            plans.flatMap((p) => configProblems(p.warnings)),
        );
    for (const w of warnings) err.write(`warning: ${w}\n`);
    const baselines = previous
        ? previousBaselines(
              plans.map((p) => p.result),
              previous,
              elsewhere(),
          )
        : new Map((diffs ?? []).map((d) => [d.stack, { against: options.against, diff: d }]));
    out.write(
        options.json
            ? `${JSON.stringify(toJson(plans, diffs), null, 2)}\n`
            : `${toText(plans, { verbose: options.verbose, baselines })}\n`,
    );
    // Against the previous plan, its diffs decide too: a plan whose role deletions are warnings
    // there (a replacement, a move) does not become the next baseline, or the warning would show
    // once and then go, though nothing was deployed.
    if (!options.json)
        saveSuccessfulPlans(
            plans,
            diffs ?? [...baselines.values()].flatMap((b) => (b.diff ? [b.diff] : [])),
            options.configFile,
            (w) => err.write(`${w}\n`),
            stateDir,
        );
    if (options.writePolicyConfig) {
        fs.writeFileSync(
            options.writePolicyConfig,
            `${JSON.stringify(plans[0].packConfig, null, 2)}\n`,
        );
    }
    if (options.report) {
        const provenance = currentProvenance({
            command: `npx org-access plan ${argv.join(" ")}`.trim(),
            // Every stack file of the folder: a workload plan reads Pulumi.security.yaml too, and
            // the security stack's plan every workload file its workloadStacks lists.
            files: configFilesOf({
                folder: options.root ?? PROJECT_ROOT,
                given: [options.configFile],
                policyConfig: options.policyConfig ?? DEFAULT_POLICY_CONFIG,
            }),
        });
        const written = writeReport(
            options.report,
            "plan",
            provenance.generatedAt,
            renderReport({
                source: provenance.command,
                policyPackRan: true,
                provenance,
                adminExemptions: adminExemptionsOf(plans[0]?.packConfig),
                stacks: plans.map(reportStackOf),
            }),
        );
        if (!options.json) out.write(`report written to ${written}\n`);
    }
    const roleErrors = (diffs ?? []).flatMap((d) => d.errors);
    for (const e of roleErrors) err.write(`error: ${e.message}\n  fix: ${e.fix}\n`);
    const code = roleErrors.length > 0 ? 1 : planExitCode(plans);
    // A person reads the verdict as the last line of the output; a program reads the JSON (and
    // these lines on stderr).
    if (!options.json) {
        out.write(`${planVerdict(plans, roleErrors.length, paletteFor(out))}\n`);
        return code;
    }
    const failed = plans.flatMap((p) => mismatches(p.evidence));
    if (failed.length > 0)
        err.write(`evidence: ${failed.length} scenario(s) do not behave as designed\n`);
    const unproved = plans.flatMap((p) => failedProofs(p.proofs));
    if (unproved.length > 0)
        err.write(
            `proofs: ${unproved.length} do not hold (${[...new Set(unproved.map((p) => p.id))].join(", ")})\n`,
        );
    const mandatory = plans
        .flatMap((p) => p.violations)
        .filter((v) => v.enforcementLevel === "mandatory");
    if (mandatory.length > 0)
        err.write(`policy pack: ${mandatory.length} mandatory violation(s)\n`);
    return code;
}

if (require.main === module) start(main);
