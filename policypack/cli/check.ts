/**
 * policy:check — runs the org-access-guard pack over planned resources or an existing stack.
 *
 *   policy:check [--json] [--config FILE] [--sarif FILE] INPUT
 *
 * Without --config, policypack/policy-config.json (the config CI and the plan use), if it exists.
 *
 * INPUT is a JSON file (or "-" for stdin) in one of the formats of ./input.ts. An input it cannot
 * read completely is refused, never counted as clean. Exit status (cli/exitCodes.ts): 0 no
 * mandatory violation, 1 one or more mandatory violations, 2 bad input or usage.
 */
// First: keeps @pulumi/policy's engine server (and with it @pulumi/pulumi) from loading.
import "./noServer";
import * as fs from "fs";
import { defineCommand, Io, runCommand, start, STDIO, UsageError } from "../../cli/command";
import {
    CheckInputError,
    checkPack,
    loadPackConfig,
    PackConfigInput,
    Suppression,
    SuppressionUse,
} from "../runner";
import { DEFAULT_POLICY_CONFIG } from "./defaultConfig";
import { CheckInput, readInput } from "./input";
import { CheckedViolation, readableReport, suppressionLines } from "./render";
import { assertWritable, writeSarif } from "./sarifFile";
import { paletteFor, Palette } from "../../cli/colour";
import { count as counted, verdictLine } from "../../cli/verdict";

export { UNKNOWN_STRING } from "./input";

export const USAGE = `usage: npx org-access check [--json] [--config FILE] [--sarif FILE] INPUT

  INPUT          JSON file ("-" for stdin), one of:
                   {"resources": [{"type", "name", "props"}]}  (type: an engine token, "aws:iam/role:Role")
                   the output of \`npx org-access plan --json\` (one stack, or all: {"stacks": [...]})
                   the output of \`pulumi stack export\` (inputs and outputs are both checked)
                   the output of \`pulumi preview --json --show-sames\`
                 an input with keys, types or parts it does not read is refused (exit 2)
  --json         print {"violations": [{"policy", "resource", "urn", "message", "enforcementLevel",
                 "finding" (the id a suppression lists to accept it), "source" (stack export:
                 "inputs" or "outputs"), "stack" (several stacks)}]}, and
                 when the config has suppressions "suppressed" (the violations they hide, each
                 with its "suppression") and "suppressions" [{"policy", "suppression", "status"}]
  --config FILE  policy pack configuration, as for \`pulumi preview --policy-pack-config\`
                 (default: policypack/policy-config.json when it exists, as for the plan)
  --sarif FILE   also write the verdicts as SARIF 2.1.0 (GitHub code scanning), paths relative
                 to the current directory (run it from the repository root)

The last line says ok or failed, with the resources and violations counted (not with --json).
npm run policy:check -- ARGS is the same command.

exit status: 0 no mandatory violation, 1 mandatory violations, 2 bad input or usage`;

interface Options {
    readonly json: boolean;
    readonly config?: string;
    readonly sarif?: string;
    readonly input: string;
}

export const command = defineCommand({
    usage: USAGE,
    invocation: "npx org-access check",
    options: { json: { type: "boolean" }, config: { type: "string" }, sarif: { type: "string" } },
    positionals: true,
    valueNames: { config: "a FILE", sarif: "a FILE" },
    build(values, positionals): Options {
        if (values.config === "") throw new UsageError("--config needs a FILE");
        if (values.sarif === "") throw new UsageError("--sarif needs a FILE");
        if (positionals.length !== 1)
            throw new UsageError(
                positionals.length ? "give exactly one INPUT file" : "missing INPUT file",
            );
        return {
            json: values.json ?? false,
            config: values.config,
            sarif: values.sarif,
            input: positionals[0],
        };
    },
});

/**
 * Standard input, read as a stream. `fs.readFileSync(0)` fails with EAGAIN whenever the pipe is
 * non-blocking and empty for a moment: Node marks a pipe non-blocking when it opens it as
 * `process.stdin`, so a Node process sharing the pipe (npm running the script, a wrapper) makes a
 * slow producer fail the check (https://github.com/nodejs/node/issues/35997).
 */
async function readStream(stream: AsyncIterable<Buffer | string>): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream)
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString("utf8");
}

async function readDocument(file: string, stdin: AsyncIterable<Buffer | string>): Promise<unknown> {
    let text: string;
    try {
        text = file === "-" ? await readStream(stdin) : fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new CheckInputError(
            `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        );
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new CheckInputError(`${file} is not valid JSON (${(e as Error).message})`);
    }
}

const key = (v: CheckedViolation) =>
    JSON.stringify([v.stack, v.policy, v.resource, v.urn, v.message, v.enforcementLevel]);

/** A violation an active suppression hid, with where it was found. */
export type SuppressedCheck = CheckedViolation & { readonly suppression: Suppression };

/** What `check` found over every stack of the input. */
export interface CheckResult {
    readonly violations: CheckedViolation[];
    readonly suppressed: SuppressedCheck[];
    /** Every suppression of the config: active if it hid a violation in any stack. */
    readonly suppressions: SuppressionUse[];
}

/**
 * Runs the pack over every stack of the input, and over a stack export's outputs as well as its
 * inputs: a violation found in both is reported once, from the inputs.
 */
export function checkAll(input: CheckInput, config?: PackConfigInput, now?: Date): CheckResult {
    const violations: CheckedViolation[] = [];
    const suppressed: SuppressedCheck[] = [];
    const uses = new Map<string, SuppressionUse>();
    const seen = new Set<string>();
    const several = input.targets.length > 1;
    for (const target of input.targets) {
        const views = target.outputs
            ? ([
                  ["inputs", target.resources],
                  ["outputs", target.outputs],
              ] as const)
            : ([[undefined, target.resources]] as const);
        for (const [source, resources] of views) {
            const result = checkPack(resources, config, now ? { now } : {});
            const where = {
                ...(source ? { source } : {}),
                ...(several && target.stack !== undefined ? { stack: target.stack } : {}),
            };
            for (const v of result.violations) {
                const checked: CheckedViolation = { ...v, ...where };
                // One key per violation: it is long (it holds the message), and hashed on each use.
                const k = key(checked);
                if (seen.has(k)) continue;
                seen.add(k);
                violations.push(checked);
            }
            for (const v of result.suppressed) {
                const checked = { ...v, ...where };
                const k = `suppressed ${key(checked)}`;
                if (seen.has(k)) continue;
                seen.add(k);
                suppressed.push(checked);
            }
            // A suppression is used if it matched anything in any stack.
            for (const u of result.suppressions) {
                const k = `${u.policy}[${u.index}]`;
                const prev = uses.get(k);
                const matched = (prev?.matched ?? 0) + u.matched;
                const status =
                    u.status === "expired" ? "expired" : matched > 0 ? "active" : "unused";
                uses.set(k, { ...u, matched, status });
            }
        }
    }
    return { violations, suppressed, suppressions: [...uses.values()] };
}

/** The violations of `checkAll` (those an active suppression hides left out). */
export function checkInput(input: CheckInput, config?: PackConfigInput): CheckedViolation[] {
    return checkAll(input, config).violations;
}

/** `ok: 120 resources, 0 mandatory violations (2 advisory)`, or `failed: ...`: the last line. */
export function checkVerdict(
    violations: readonly CheckedViolation[],
    resources: number,
    palette: Palette,
): string {
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = violations.length - mandatory;
    return verdictLine(
        mandatory === 0,
        [
            counted(resources, "resource"),
            `${counted(mandatory, "mandatory violation")}${advisory > 0 ? ` (${advisory} advisory)` : ""}`,
        ],
        palette,
    );
}

export function main(
    argv: readonly string[],
    io: Io = STDIO,
    stdin: AsyncIterable<Buffer | string> = process.stdin,
): Promise<number> {
    return runCommand(command, argv, io, async (opts) => {
        // Refused before anything is checked: a verdict that cannot be written is no verdict.
        if (opts.sarif) assertWritable(opts.sarif, opts.input);
        // The plan's default too (plan/offline.ts, readPackConfig): without it the break-glass
        // grants the project's config accepts would fail `plan --json | check -`.
        const config: PackConfigInput | undefined = opts.config
            ? loadPackConfig(opts.config)
            : fs.existsSync(DEFAULT_POLICY_CONFIG)
              ? loadPackConfig(DEFAULT_POLICY_CONFIG)
              : undefined;
        const document = await readDocument(opts.input, stdin);
        const input = readInput(document);
        const { violations, suppressed, suppressions } = checkAll(input, config);
        const count = input.targets.reduce((n, t) => n + t.count, 0);
        if (opts.sarif)
            writeSarif(opts.sarif, { input, file: opts.input, config, violations, suppressed });
        io.out.write(
            opts.json
                ? `${JSON.stringify(suppressions.length ? { violations, suppressed, suppressions } : { violations }, null, 2)}\n`
                : `${[readableReport(violations, count), ...suppressionLines(suppressions), checkVerdict(violations, count, paletteFor(io.out))].join("\n")}\n`,
        );
        return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
    });
}

if (require.main === module) start((argv) => main(argv));
