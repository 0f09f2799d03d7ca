// The offline plan of one or more stacks: each stack planned under Pulumi's mock runtime
// (plan/run.ts), with its evidence matrix, the policy pack's verdicts, the stack file's warnings
// and the real engine's model (plan/engine.ts), in this process or in worker processes
// (plan/workers.ts). No printing here: plan/render.ts renders, plan/cli.ts is the command.
import * as fs from "fs";
import { ConfigProblem, readStackFile, stackFilePath, stackFileWarnings } from "../config";
import { accessModel, AccessModel } from "../evidence/model";
import { ModelResource } from "../policypack/model/resources";
import { failedProofs, ProofResult, runProofs, stackKind } from "../evidence/proofs";
import { EvidenceEntry, evidenceMatrix, mismatches } from "../evidence/simulate";
import {
    checkPack,
    loadPackConfig,
    PackConfigInput,
    SuppressionUse,
    Violation,
} from "../policypack/runner";
import {
    needsSecurityOutputs,
    planStack,
    PlanResult,
    toModelResource,
    toPackResource,
} from "./run";
import { DEFAULT_POLICY_CONFIG } from "../policypack/cli/defaultConfig";
import { EngineModel, engineModel } from "./engine";
import { startWorkers } from "./workers";

/** What to plan. */
export interface PlanOptions {
    /** Stack names, planned in this order (the security stack first where a workload stack needs it). */
    readonly stacks: string[];
    /** Stack file to read instead of Pulumi.<stack>.yaml; only with a single stack. */
    readonly configFile?: string;
    /**
     * The project folder whose Pulumi.<stack>.yaml files are planned (default: this project's,
     * PROJECT_ROOT): the CLI's --cwd, and the tests' fixture projects.
     */
    readonly root?: string;
    /**
     * The security stack's file, when a workload stack is planned with it (verify's
     * --security-config-file); default Pulumi.security.yaml of `root`. Planning the security stack
     * itself takes `configFile`.
     */
    readonly securityConfigFile?: string;
    /** Policy-pack config file (the `--policy-pack-config` format); default policypack/policy-config.json. */
    readonly policyConfig?: string;
    /**
     * Worker processes that plan the stacks after the security stack's program (plan/workers.ts);
     * 1, the default here, plans everything in this process. The CLI's default is workerCount().
     */
    readonly workers?: number;
}

export { DEFAULT_POLICY_CONFIG };

/** One planned stack with its evidence. */
export interface StackPlan {
    readonly result: PlanResult;
    readonly model: AccessModel;
    readonly evidence: EvidenceEntry[];
    /** The properties proved over everything the stack plans (evidence/proofs). */
    readonly proofs: ProofResult[];
    /** What the CrossGuard pack reports for the planned resources. */
    readonly violations: Violation[];
    /** Every suppression of the pack config, with what it did in this stack. */
    readonly suppressions?: SuppressionUse[];
    /** The pack config the violations were computed with. */
    readonly packConfig: PackConfigInput;
    /** What must change in the stack file before a deploy: placeholders, plain-text secrets. */
    readonly warnings: ConfigProblem[];
    /** What the real engine runs for the stack: provider processes and peak memory (plan/engine.ts). */
    readonly engine: EngineModel;
}

/** Stack-file warnings of one stack, read from the file as it is written (see config/placeholders.ts). */
export function stackWarnings(stack: string, configFile?: string, root?: string): ConfigProblem[] {
    return stackFileWarnings(readStackFile(configFile ?? stackFilePath(stack, root)).config);
}

/** The pack's config: the given file, else the one CI uses, else none. A bad file is a usage error. */
export function readPackConfig(policyConfig?: string): PackConfigInput {
    return policyConfig
        ? loadPackConfig(policyConfig)
        : fs.existsSync(DEFAULT_POLICY_CONFIG)
          ? loadPackConfig(DEFAULT_POLICY_CONFIG)
          : {};
}

/** The security stack's plan as the proofs of every stack see it, converted once. */
export interface SecurityContext {
    readonly plan: PlanResult;
    readonly resources: ModelResource[];
}

export function securityContext(plan: PlanResult): SecurityContext {
    return { plan, resources: plan.resources.map(toModelResource) };
}

/**
 * Everything the plan says of one planned stack: the evidence matrix, the proofs, the pack's
 * verdicts, the stack file's warnings and the engine model. The security stack's plan, when there
 * is one, supplies the callers' side of cross-account access.
 */
export function evaluateStack(
    result: PlanResult,
    security: SecurityContext | undefined,
    packConfig: PackConfigInput,
    configFile?: string,
    root?: string,
): StackPlan {
    const own = result.stack === "security" || !security;
    const securityPlan = result.stack === "security" ? result : security?.plan;
    const model = accessModel({ stack: result, security: securityPlan });
    const effective = packConfigFor(result, packConfig);
    const resources = result.resources.map(toModelResource);
    const pack = checkPack(result.resources.map(toPackResource), effective);
    return {
        result,
        model,
        evidence: evidenceMatrix(model),
        proofs: runProofs({
            stack: result.stack,
            kind: stackKind(result.stack),
            model,
            resources,
            security: own ? (securityPlan === result ? resources : undefined) : security.resources,
            outputs: { ...(securityPlan?.outputs ?? {}), ...result.outputs },
        }),
        violations: pack.violations,
        suppressions: pack.suppressions,
        packConfig: effective,
        warnings: stackWarnings(result.stack, configFile, root),
        engine: engineModel(result.resources),
    };
}

/** Where a stack's StackReference finds the security stack's outputs, if it needs them. */
function referencesOf(
    stack: string,
    configFile: string | undefined,
    security: PlanResult | undefined,
    root: string | undefined,
): Record<string, Record<string, unknown>> | undefined {
    const { needed, stackName } = needsSecurityOutputs(stack, configFile, root);
    return needed && security ? { [stackName]: security.outputs } : undefined;
}

/**
 * Plans the requested stacks, and simulates the evidence matrix of each. The security stack's
 * program runs first, in this process, where it is requested or a workload stack references it:
 * every workload stack's StackReference and proofs need it. With more than one worker the other
 * stacks' programs, and every stack's evidence, proofs and pack, run in worker processes
 * (plan/workers.ts); the results come back in the order of `options.stacks` either way.
 */
export async function runPlan(options: PlanOptions): Promise<StackPlan[]> {
    // Read the pack's config first: a bad file is a usage error, found before any planning.
    const packConfig = readPackConfig(options.policyConfig);
    const single = options.stacks.length === 1;
    const configFile = single ? options.configFile : undefined;
    const root = options.root;
    const needsSecurity =
        options.stacks.includes("security") ||
        options.stacks.some((stack) => needsSecurityOutputs(stack, configFile, root).needed);
    const workers = Math.min(options.workers ?? 1, options.stacks.length);
    // Started before the security stack's program runs, so the workers load their modules
    // meanwhile.
    const pool = workers > 1 ? startWorkers(workers) : undefined;
    try {
        const securityConfigFile =
            options.stacks[0] === "security" ? configFile : options.securityConfigFile;
        const securityPlan = needsSecurity
            ? await planStack({ stack: "security", configFile: securityConfigFile, root })
            : undefined;
        if (pool) return await pool.plan(options.stacks, securityPlan, packConfig, root);
        const results: PlanResult[] = [];
        for (const stack of options.stacks) {
            results.push(
                stack === "security" && securityPlan
                    ? securityPlan
                    : await planStack({
                          stack,
                          configFile,
                          root,
                          stackOutputs: referencesOf(stack, configFile, securityPlan, root),
                      }),
            );
        }
        const security = securityPlan && securityContext(securityPlan);
        return results.map((result) =>
            evaluateStack(result, security, packConfig, configFile, root),
        );
    } finally {
        pool?.close();
    }
}

/**
 * The pack's config for one planned stack: the given config, plus what only the stack knows. In
 * provider mode, audit-role-per-workload-account learns the accounts that must each have an audit
 * role (the stack's `accounts` output) and the role's name, unless the config sets them itself.
 */
export function packConfigFor(result: PlanResult, base: PackConfigInput): PackConfigInput {
    const accounts = result.outputs.accounts;
    if (result.outputs.deploymentMode !== "provider" || !Array.isArray(accounts)) return base;
    const key = "audit-role-per-workload-account";
    const given = base[key];
    const settings =
        typeof given === "object" && given !== null
            ? given
            : typeof given === "string"
              ? { enforcementLevel: given }
              : {};
    const arn = Object.values((result.outputs.auditRoleArns ?? {}) as Record<string, string>)[0];
    return {
        ...base,
        [key]: {
            workloadAccountIds: accounts.map((a: { accountId: string }) => a.accountId),
            ...(typeof arn === "string" ? { roleName: arn.split("/").pop() } : {}),
            ...settings,
        },
    };
}

/**
 * 1 when a mandatory policy is violated, a scenario does not behave as designed or a proof does
 * not hold; 0 otherwise.
 */
export function planExitCode(plans: readonly StackPlan[]): number {
    return plans.some(
        (p) =>
            mismatches(p.evidence).length > 0 ||
            failedProofs(p.proofs).length > 0 ||
            p.violations.some((v) => v.enforcementLevel === "mandatory"),
    )
        ? 1
        : 0;
}
