// The first `pulumi preview` of an empty stack, under the plan's mocks, and which mandatory
// policies it would turn into advisory "can't run policy ... during preview" notes.
//
// `degradedPolicies` reads diagnostics in either form: the pack runner's violations
// (policypack/runner.ts) or the diagnostics the real @pulumi/policy server sends the engine
// (server.js: `can't run policy '<name>' from policy pack '<pack>@v<version>' during preview: ...`,
// enforcement level advisory), so an end-to-end test through the real runner can reuse it.
import * as path from "path";
import { EnforcementLevel } from "@pulumi/policy";
import { PackConfigInput, resolvePackConfig } from "../../policypack/config";
import { checkResources, loadPackConfig, POLICIES } from "../../policypack/runner";
import { UNKNOWN } from "../../plan/mocks";
import {
    defaultSecurityStackName,
    planStack,
    PlanResult,
    PlannedResource,
    toPackResource,
} from "../../plan/run";
import { DEV, PROD, projectWith, securityValues, SECURITY, STAGING, stackFileOf } from "./index";

/** A diagnostic as the runner or the engine reports it. */
export interface PolicyDiagnostic {
    /** The policy's name (`policyName` in the engine's AnalyzeDiagnostic). */
    readonly policy: string;
    readonly message: string;
    /** The resource it is about, if any. */
    readonly resource?: string;
}

/** A policy that could not run during preview although it is configured to block. */
export interface Degraded {
    readonly policy: string;
    /** Its configured enforcement level: mandatory, or remediate (reported as mandatory). */
    readonly level: EnforcementLevel;
    readonly resource?: string;
    /** The engine's reason, e.g. `string value at .policy can't be known during preview`. */
    readonly reason: string;
}

const CANNOT_RUN = /^can't run policy '([^']+)' from policy pack '[^']*' during preview: (.*)$/s;

/**
 * The diagnostics that are a blocking policy skipped during preview: a "can't run policy ...
 * during preview" note of a policy whose configured level is mandatory or remediate. The note
 * itself is always advisory (that is the problem), so the level comes from the pack's config.
 */
export function degradedPolicies(
    diagnostics: readonly PolicyDiagnostic[],
    levels: ReadonlyMap<string, EnforcementLevel>,
): Degraded[] {
    const out: Degraded[] = [];
    for (const d of diagnostics) {
        const m = CANNOT_RUN.exec(d.message);
        if (!m) continue;
        if (m[1] !== d.policy)
            throw new Error(`diagnostic of ${d.policy} names policy ${m[1]}: ${d.message}`);
        const level = levels.get(d.policy);
        if (level === undefined) throw new Error(`unknown policy ${d.policy} in ${d.message}`);
        if (level !== "mandatory" && level !== "remediate") continue;
        out.push({ policy: d.policy, level, resource: d.resource, reason: m[2] });
    }
    return out;
}

/** Every policy's configured enforcement level, as the CLI reconciles `--policy-pack-config`. */
export function packLevels(config?: PackConfigInput): Map<string, EnforcementLevel> {
    const effective = resolvePackConfig(POLICIES, config);
    return new Map([...effective].map(([name, e]) => [name, e.enforcementLevel]));
}

/** The pack's config that `npm start` uses (policypack/policy-config.json). */
export function shippedPackConfig(): PackConfigInput {
    return loadPackConfig(path.join(__dirname, "..", "..", "policypack", "policy-config.json"));
}

/** Runs the pack over a plan and returns the blocking policies that could not run. */
export function previewDegradations(
    plan: PlanResult,
    config: PackConfigInput = shippedPackConfig(),
): Degraded[] {
    return degradedPolicies(
        checkResources(plan.resources.map(toPackResource), config),
        packLevels(config),
    );
}

/** One line per degraded policy, for assertion messages. */
export function describeDegraded(degraded: readonly Degraded[]): string {
    return degraded.map((d) => `${d.policy} on ${d.resource}: ${d.reason}`).join("\n");
}

/** The paths of a resource's props that hold the engine's unknown sentinel. */
export function unknownPaths(r: PlannedResource): string[] {
    const out: string[] = [];
    const walk = (v: unknown, path: string): void => {
        if (v === UNKNOWN) out.push(path);
        else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
        else if (v !== null && typeof v === "object")
            for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    };
    walk(r.props, "");
    return out;
}

// ---------------------------------------------------------------------------------------------
// Example-like fixture stacks: every control of the example stack files on, with the test ids
// ---------------------------------------------------------------------------------------------

export const EXAMPLE_REPOSITORY = "example-org/org-access";

/** The workload stack, as Pulumi.workload.yaml has it: its principals from the security stack. */
export function exampleWorkloadValues(): Record<string, unknown> {
    return {
        securityAccountId: SECURITY,
        workloadAccounts: [
            { name: "prod", accountId: PROD, incidentResponseRole: true, breakGlassRole: true },
            { name: "staging", accountId: STAGING },
            { name: "dev", accountId: DEV },
        ],
        auditRole: { managedPolicies: ["SecurityAudit", "ViewOnlyAccess"] },
        tags: { CostCenter: "security" },
        previewRole: { name: "OrgAccessPreviewRole" },
    };
}

/** The security stack, as Pulumi.security.yaml has it: duties, trail, alarms, SCPs, RCPs, root access, Access Analyzer and CI. */
export function exampleSecurityValues(
    overrides: Record<string, unknown> = {},
): Record<string, unknown> {
    return securityValues({
        tags: { CostCenter: "security" },
        incidentResponse: { responders: ["carol"] },
        breakGlass: { users: ["dana-breakglass"] },
        trail: { objectLockRetentionDays: 365 },
        alarms: { emails: ["security@example.com"] },
        guardrails: { targets: ["r-abcd1234"], allowedRegions: ["us-east-1", "eu-west-1"] },
        ci: {
            repository: EXAMPLE_REPOSITORY,
            deployEnvironment: "production",
            deployBranch: "main",
            deployWorkflow: ".github/workflows/deploy.yml",
            stateBucket: "example-org-access-pulumi-state",
        },
        // Identity Center: its attachments and assignments name their permission set only by the
        // set's ARN, which AWS assigns, so a first preview cannot know it (issue 12 review).
        identityCenter: {
            instanceArn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
            identityStoreId: "d-1234567890",
            auditGroups: ["906722b2-4011-70ac-c9b5-e1cd8b4ca7b1"],
            incidentResponseGroups: ["a4e8f1c2-3071-70d5-6b2e-9f1d4c3b2a10"],
            breakGlassGroups: ["c1d2e3f4-5061-7089-aabb-ccddeeff0011"],
        },
        resourceControlPolicies: { targets: ["r-abcd1234"] },
        rootAccess: "centralized",
        accessAnalyzer: { unusedAccessAge: 90 },
        ...overrides,
    });
}

/**
 * Plans the security stack of `values`, reading the example workload stack file, as a first
 * preview (`preview`) or as the mocks' deploy. `extend` adds resources after the stack's own
 * (break tests), with the stack's config.
 */
export async function planExampleSecurity(
    options: { preview: boolean; values?: Record<string, unknown>; extend?: () => void } = {
        preview: true,
    },
): Promise<PlanResult> {
    const root = projectWith({ workload: exampleWorkloadValues() });
    // Imported here so the module graph loads once the mocks exist, as in pulumi's unit-test examples.
    const { loadSecurityConfig } = await import("../../config");
    const { securityStack } = await import("../../stacks/security");
    return planStack({
        stack: "security",
        stackFile: stackFileOf(options.values ?? exampleSecurityValues()),
        preview: options.preview,
        build: () => {
            const outputs = securityStack(loadSecurityConfig("security", undefined, root));
            options.extend?.();
            return outputs;
        },
    });
}

/**
 * Plans the example workload stack as its first preview: the security stack exists (its outputs
 * come from the mocks' deploy of it, as the StackReference reads them), the workload's own
 * resources do not.
 */
export async function planExampleWorkloadPreview(security: PlanResult): Promise<PlanResult> {
    return planStack({
        stack: "workload",
        stackFile: stackFileOf(exampleWorkloadValues()),
        stackOutputs: { [defaultSecurityStackName()]: security.outputs },
        preview: true,
    });
}

/**
 * A project folder holding the example-like stack files (exampleSecurityValues and
 * exampleWorkloadValues, with the test ids), for runPlan's `root` and the plan CLI's --cwd: tests
 * plan these, never the repository's own Pulumi.<stack>.yaml, which are the user's to edit.
 */
export function exampleProject(
    overrides: { security?: Record<string, unknown>; workload?: Record<string, unknown> } = {},
): string {
    return projectWith({
        security: exampleSecurityValues(overrides.security),
        workload: { ...exampleWorkloadValues(), ...overrides.workload },
    });
}
