// The offline plan of one or more stacks: each stack planned under Pulumi's mock runtime
// (plan/run.ts), with its evidence matrix, the policy pack's verdicts and the stack file's
// warnings. No printing here: plan/render.ts renders, plan/cli.ts is the command.
import * as fs from "fs";
import * as path from "path";
import {
    ConfigProblem,
    PROJECT_ROOT,
    readStackFile,
    stackFilePath,
    stackFileWarnings,
} from "../config";
import { accessModel, AccessModel } from "../evidence/model";
import { failedProofs, ProofResult, runProofs, stackKind } from "../evidence/proofs";
import { EvidenceEntry, evidenceMatrix, mismatches } from "../evidence/simulate";
import { checkResources, loadPackConfig, PackConfigInput, Violation } from "../policypack/runner";
import {
    needsSecurityOutputs,
    planStack,
    PlanResult,
    toModelResource,
    toPackResource,
} from "./run";

/** What to plan. */
export interface PlanOptions {
    /** Stack names, planned in this order (the security stack first where a workload stack needs it). */
    readonly stacks: string[];
    /** Stack file to read instead of Pulumi.<stack>.yaml; only with a single stack. */
    readonly configFile?: string;
    /** Policy-pack config file (the `--policy-pack-config` format); default policypack/policy-config.json. */
    readonly policyConfig?: string;
}

/** The policy-pack config CI uses with `pulumi preview --policy-pack policypack --policy-pack-config`. */
export const DEFAULT_POLICY_CONFIG = path.join(PROJECT_ROOT, "policypack", "policy-config.json");

/** One planned stack with its evidence. */
export interface StackPlan {
    readonly result: PlanResult;
    readonly model: AccessModel;
    readonly evidence: EvidenceEntry[];
    /** The properties proved over everything the stack plans (evidence/proofs). */
    readonly proofs: ProofResult[];
    /** What the CrossGuard pack reports for the planned resources. */
    readonly violations: Violation[];
    /** The pack config the violations were computed with. */
    readonly packConfig: PackConfigInput;
    /** What must change in the stack file before a deploy: placeholders, plain-text secrets. */
    readonly warnings: ConfigProblem[];
}

/** Stack-file warnings of one stack, read from the file as it is written (see config/placeholders.ts). */
export function stackWarnings(stack: string, configFile?: string): ConfigProblem[] {
    return stackFileWarnings(readStackFile(configFile ?? stackFilePath(stack)).config);
}

/**
 * Plans the requested stacks, planning the security stack first where a workload stack references
 * it, and simulates the evidence matrix of each. The security stack's plan, when there is one,
 * supplies the callers' side of cross-account access.
 */
export async function runPlan(options: PlanOptions): Promise<StackPlan[]> {
    // Read the pack's config first: a bad file is a usage error, found before any planning.
    const packConfig: PackConfigInput = options.policyConfig
        ? loadPackConfig(options.policyConfig)
        : fs.existsSync(DEFAULT_POLICY_CONFIG)
          ? loadPackConfig(DEFAULT_POLICY_CONFIG)
          : {};
    const results: PlanResult[] = [];
    const stackOutputs: Record<string, Record<string, unknown>> = {};
    let security: PlanResult | undefined;
    for (const stack of options.stacks) {
        const configFile = options.stacks.length === 1 ? options.configFile : undefined;
        const { needed, stackName } = needsSecurityOutputs(stack, configFile);
        if (needed) {
            // The workload stack trusts the security stack's outputs; plan it to know them.
            security = security ?? (await planStack({ stack: "security" }));
            stackOutputs[stackName] = security.outputs;
        }
        const result = await planStack({ stack, configFile, stackOutputs });
        if (stack === "security") security = result;
        results.push(result);
    }
    return results.map((result) => {
        const securityPlan = result.stack === "security" ? result : security;
        const model = accessModel({ stack: result, security: securityPlan });
        const effective = packConfigFor(result, packConfig);
        const resources = result.resources.map(toModelResource);
        return {
            result,
            model,
            evidence: evidenceMatrix(model),
            proofs: runProofs({
                stack: result.stack,
                kind: stackKind(result.stack),
                model,
                resources,
                security:
                    securityPlan === result
                        ? resources
                        : securityPlan?.resources.map(toModelResource),
                outputs: { ...(securityPlan?.outputs ?? {}), ...result.outputs },
            }),
            violations: checkResources(result.resources.map(toPackResource), effective),
            packConfig: effective,
            warnings: stackWarnings(
                result.stack,
                options.stacks.length === 1 ? options.configFile : undefined,
            ),
        };
    });
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
