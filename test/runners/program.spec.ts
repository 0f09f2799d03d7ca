// The program under Pulumi's real program runner (@pulumi/pulumi/cmd/run), as the Node.js language
// host starts it, against the stand-in ResourceMonitor and Engine of ./engine.ts. The monitor must
// see exactly what the offline plan (plan/run.ts planStack, under the mock runtime) records: the
// same resources, parents, providers, secret inputs and options, in an update (the plan's own
// mocks answer) and in a preview (computed outputs unknown).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../../config";
import { PlanMocks } from "../../plan/mocks";
import {
    makeUrn,
    ORGANIZATION,
    PlannedResource,
    PlanResult,
    planStack,
    PROJECT,
} from "../../plan/run";
import { projectWith, securityValues, stackFileOf, workloadValues } from "../helpers";
import { degradedPolicies, packLevels, PolicyDiagnostic } from "../helpers/preview";
import { checkResources, loadPackConfig } from "../../policypack/runner";
import {
    analyzeAll,
    analyzedFromRun,
    configureFromFile,
    Decoded,
    stackReferences,
    startPack,
    engineUrn,
    FEATURES,
    killAll,
    ProgramRun,
    projectCopy,
    Registration,
    runProgram,
    settled,
    UNKNOWN,
} from "./engine";
import { fromPack, fromRunner, PACK_CONFIG, PACK_DIR, ROOT } from "./verdicts";

const REGION = "us-east-1";
const SECURITY_STACK = `${ORGANIZATION}/${PROJECT}/security`;

/** What a registration carried besides what PlannedResource keeps: read from the mock monitor. */
interface RawOptions {
    readonly ignoreChanges: string[];
    readonly aliases: unknown[];
    readonly additionalSecretOutputs: string[];
}

type Raw = Map<string, RawOptions>;

/** Records the options the mock monitor receives that PlannedResource does not keep. */
function captureRaw(raw: Raw): void {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: any, cb: unknown): unknown;
    };
    const next = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        raw.set(`${req.getType()}::${req.getName()}`, {
            ignoreChanges: req.getIgnorechangesList(),
            aliases: req.getAliasesList().map((a: any) => a.toObject()),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        });
        return next(req, cb);
    };
}

interface Planned {
    readonly plan: PlanResult;
    readonly raw: Raw;
    readonly values: Record<string, unknown>;
    /** Stack files the program reads (the security stack reads the workload stack's). */
    readonly files: Record<string, string>;
    readonly stackOutputs?: Record<string, Record<string, unknown>>;
}

async function planSecurityStack(): Promise<Planned> {
    // With Identity Center: its attachments and assignments name their permission set only by an
    // ARN AWS assigns, unknown in a first preview; the pack must still decide them.
    const values = securityValues({
        identityCenter: {
            instanceArn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
            identityStoreId: "d-1234567890",
            auditGroups: ["906722b2-4011-70ac-c9b5-e1cd8b4ca7b1"],
            breakGlassGroups: ["c1d2e3f4-5061-7089-aabb-ccddeeff0011"],
        },
    });
    const root = projectWith({ workload: workloadValues() });
    const { loadSecurityConfig } = await import("../../config");
    const { securityStack } = await import("../../stacks/security");
    const raw: Raw = new Map();
    const plan = await planStack({
        stack: "security",
        stackFile: stackFileOf(values),
        build: () => {
            captureRaw(raw);
            return securityStack(loadSecurityConfig("security", undefined, root));
        },
    });
    const file = "Pulumi.workload.yaml";
    const files = { [file]: fs.readFileSync(path.join(root, file), "utf8") };
    fs.rmSync(root, { recursive: true, force: true });
    return { plan, raw, values, files };
}

async function planWorkloadStack(security: PlanResult): Promise<Planned> {
    // Without `trustedPrincipals` the workload stack reads them from the security stack's
    // outputs, through a StackReference.
    const values = workloadValues();
    delete values.trustedPrincipals;
    const stackOutputs = { [SECURITY_STACK]: security.outputs };
    const { workloadStack } = await import("../../stacks/workload");
    const raw: Raw = new Map();
    const plan = await planStack({
        stack: "workload",
        stackFile: stackFileOf(values),
        stackOutputs,
        build: () => {
            captureRaw(raw);
            return workloadStack();
        },
    });
    return { plan, raw, values, files: {}, stackOutputs };
}

/** Runs the program of a planned stack under the real runner, in a copy of the project. */
async function run(
    p: Planned,
    dryRun: boolean,
    features = FEATURES,
    stacks: Record<string, Decoded> = {},
): Promise<ProgramRun> {
    // The mocks answer from `pulumi.getStack()` of this process (plan/mocks.ts providerUrn):
    // run right after planning the same stack.
    assert.strictEqual(pulumi.getStack(), p.plan.stack, "plan the stack right before running it");
    const copy = projectCopy(ROOT, p.files);
    try {
        const { config, secretKeys } = stackFileOf(p.values);
        return await runProgram({
            root: copy.dir,
            organization: ORGANIZATION,
            project: PROJECT,
            stack: p.plan.stack,
            config,
            secretKeys,
            dryRun,
            features,
            answers: stackReferences(
                new PlanMocks({
                    region: REGION,
                    partition: partitionOf(REGION),
                    stackOutputs: p.stackOutputs,
                }),
                stacks,
            ),
        });
    } finally {
        copy.remove();
    }
}

const nameOf = (urn: string) => urn.split("::").slice(3).join("::");
const withoutId = (ref: string) => (ref ? ref.split("::").slice(0, -1).join("::") : "");

/** Whether a decoded value holds an unknown anywhere. */
function hasUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(hasUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(hasUnknown);
    return false;
}

/**
 * The engine URN of every planned resource. The mock monitor qualifies a child's type with its
 * parent's own type only (runtime/mocks.js newUrn); the engine uses the parent's whole qualified
 * type (source_eval.go newURN), so the two differ for resources nested two deep.
 */
function engineUrns(plan: PlanResult): Map<string, string> {
    const stackUrn = rootUrn(plan.stack);
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const out = new Map<string, string>();
    const urnOf = (r: PlannedResource): string => {
        const known = out.get(r.urn);
        if (known) return known;
        const parent = r.options.parent ? byUrn.get(r.options.parent) : undefined;
        if (r.options.parent && !parent)
            throw new Error(`${r.urn}: parent ${r.options.parent} not planned`);
        const urn = engineUrn(
            plan.stack,
            PROJECT,
            parent ? urnOf(parent) : stackUrn,
            r.type,
            r.name,
        );
        out.set(r.urn, urn);
        return urn;
    };
    plan.resources.forEach(urnOf);
    return out;
}

function rootUrn(stack: string): string {
    return `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
}

/** Asserts that the runner's registrations are the plan's, field by field. */
function assertSameAsPlan(p: Planned, got: ProgramRun, dryRun: boolean): void {
    assert.strictEqual(got.exitCode, 0, `the program failed:\n${got.stderr}\n${got.stdout}`);
    assert.deepStrictEqual(
        got.logs.filter((l) => l.severity === "error"),
        [],
        "the program logged errors",
    );
    const { plan, raw } = p;
    const stackUrn = rootUrn(plan.stack);
    assert.strictEqual(got.rootUrn, stackUrn, "SetRootResource names the stack resource");
    const urns = engineUrns(plan);
    const regs = got.registrations.filter((r) => r.type !== "pulumi:pulumi:Stack");
    assert.deepStrictEqual(
        regs.map((r) => r.urn).sort(),
        [...urns.values()].sort(),
        "the runner registers exactly the planned resources",
    );
    // The plan reports URNs too (plan JSON, policy diagnostics): they must be the real ones. The
    // mock runtime builds a grandchild's URN from its parent's own type only, so a component
    // nested in a component would break this; plan/run.ts would then need the engine's rule.
    assert.deepStrictEqual(
        plan.resources
            .filter((r) => urns.get(r.urn) !== r.urn)
            .map((r) => [r.urn, urns.get(r.urn)]),
        [],
        "the offline plan's URNs are the engine's",
    );
    const byUrn = new Map<string, Registration>(regs.map((r) => [r.urn, r]));
    for (const r of plan.resources) {
        const reg = byUrn.get(urns.get(r.urn)!)!;
        const at = `${r.type} ${r.name}`;
        assert.strictEqual(reg.type, r.type, at);
        assert.strictEqual(reg.custom, !r.component, `${at}: custom`);
        assert.strictEqual(
            reg.parent,
            r.options.parent ? urns.get(r.options.parent) : stackUrn,
            `${at}: parent`,
        );
        assert.strictEqual(
            withoutId(reg.provider),
            r.provider ? urns.get(r.provider.urn) : "",
            `${at}: provider`,
        );
        assert.strictEqual(reg.protect, r.options.protect, `${at}: protect`);
        assert.strictEqual(reg.retainOnDelete, r.options.retainOnDelete, `${at}: retainOnDelete`);
        // dependsOn as plan/run.ts captureOptions computes it: dependencies not due to an input.
        const throughInputs = new Set(Object.values(reg.propertyDependencies).flat());
        const dependsOn = [
            ...new Set(reg.dependencies.filter((u) => !throughInputs.has(u)).map(nameOf)),
        ].sort();
        assert.deepStrictEqual(dependsOn, [...r.options.dependsOn], `${at}: dependsOn`);
        assert.deepStrictEqual(
            [...reg.inputs.secrets].sort(),
            [...r.secretProps].sort(),
            `${at}: secret inputs`,
        );
        if (reg.kind === "register") {
            const rawOpts = raw.get(`${r.type}::${r.name}`)!;
            assert.deepStrictEqual(
                reg.ignoreChanges,
                rawOpts.ignoreChanges,
                `${at}: ignoreChanges`,
            );
            // The mock runtime has no root stack resource: where a top-level resource's alias
            // names no parent, the runner's SDK names the stack resource, the real parent
            // (runtime/resource.js, mapAliasesForRequest).
            type AliasObject = { urn?: string; spec?: Record<string, unknown> };
            const expected = (rawOpts.aliases as AliasObject[]).map((a) =>
                a.spec && !r.options.parent && !a.spec.noparent && !a.spec.parenturn
                    ? { ...a, spec: { ...a.spec, parenturn: stackUrn } }
                    : a,
            );
            assert.deepStrictEqual(reg.aliases, expected, `${at}: aliases`);
            // The URNs the plan reports for them are the ones the engine collapses them to.
            assert.deepStrictEqual(
                (reg.aliases as AliasObject[]).map((a) => {
                    const spec = (a.spec ?? {}) as Record<string, string | boolean | undefined>;
                    return a.urn
                        ? a.urn
                        : makeUrn(
                              (spec.stack as string) || plan.stack,
                              (spec.project as string) || PROJECT,
                              (spec.type as string) || r.type,
                              (spec.name as string) || r.name,
                              spec.noparent ? undefined : (spec.parenturn as string) || reg.parent,
                          );
                }),
                [...r.options.aliases],
                `${at}: alias URNs`,
            );
            assert.deepStrictEqual(
                reg.additionalSecretOutputs,
                rawOpts.additionalSecretOutputs,
                `${at}: additionalSecretOutputs`,
            );
        }
        // A permission set's plan records its ARN output beside its inputs (plan/mocks.ts: its
        // attachments name it only by that ARN); the program never sends it as an input.
        const props =
            r.type === "aws:ssoadmin/permissionSet:PermissionSet"
                ? Object.fromEntries(Object.entries(r.props).filter(([k]) => k !== "arn"))
                : r.props;
        if (!dryRun) {
            assert.deepStrictEqual(reg.inputs.unknowns, [], `${at}: nothing unknown in an update`);
            assert.deepStrictEqual(reg.inputs.value, props, `${at}: inputs`);
        } else {
            // A preview knows every input that does not depend on a computed output.
            assert.deepStrictEqual(
                Object.keys(reg.inputs.value).sort(),
                Object.keys(props).sort(),
                `${at}: input names`,
            );
            for (const [k, v] of Object.entries(reg.inputs.value))
                if (!hasUnknown(v)) assert.deepStrictEqual(v, props[k], `${at}: input ${k}`);
        }
    }
    if (!dryRun) {
        const outputs = got.outputs.get(stackUrn);
        assert.ok(outputs, "the stack registers its outputs");
        assert.deepStrictEqual(
            outputs.value,
            JSON.parse(JSON.stringify(plan.outputs)),
            "the stack's outputs",
        );
    }
}

/** The names of the resources whose inputs a preview cannot know yet. */
function unknownInPreview(got: ProgramRun): string[] {
    return got.registrations
        .filter((r) => r.inputs.unknowns.length > 0)
        .map((r) => `${r.name}: ${r.inputs.unknowns.join(", ")}`);
}

interface Stage {
    readonly planned: Planned;
    readonly update: () => Promise<ProgramRun>;
    readonly preview: () => Promise<ProgramRun>;
}

/** Plans the security stack and starts its update and preview side by side (each is a process). */
async function securityStage(): Promise<Stage> {
    const planned = await planSecurityStack();
    return { planned, update: settled(run(planned, false)), preview: settled(run(planned, true)) };
}

describe("the program under Pulumi's program runner (cmd/run over gRPC)", function () {
    // The security stack's update feeds the workload stack's StackReference.
    let security: Promise<Stage> | undefined;
    after(() => killAll());

    describe("the security stack", () => {
        let planned: Planned;
        let update: () => Promise<ProgramRun>;
        let preview: () => Promise<ProgramRun>;
        before(async () => {
            ({ planned, update, preview } = await (security ??= securityStage()));
        });

        it("registers, in an update, exactly the offline plan's resources, options, secrets and inputs", async () => {
            const got = await update();
            assertSameAsPlan(planned, got, false);
            // GetDeploymentInfo answered: the SDK did not fall back to probing features one by one.
            assert.deepStrictEqual(got.probed, []);
        });

        it("notices every kind of difference between the runner and the plan", async () => {
            const got = await update();
            // Each variant of the plan differs from what the runner registered in one field.
            const differs = (change: (p: Planned) => void, message: RegExp) => {
                const copy: Planned = structuredClone(planned);
                change(copy);
                assert.throws(() => assertSameAsPlan(copy, got, false), message);
            };
            const find = (p: Planned, name: string) =>
                p.plan.resources.find((r) => r.name === name) as any;
            const bucket = "org-trail-bucket";
            assert.ok(find(planned, bucket)?.options.protect, "the trail bucket is protected");
            differs((p) => (find(p, bucket).options.protect = false), /protect/);
            differs((p) => (find(p, bucket).options.retainOnDelete = false), /retainOnDelete/);
            differs((p) => find(p, bucket).options.dependsOn.push("x"), /dependsOn/);
            differs((p) => find(p, bucket).secretProps.push("bucket"), /secret inputs/);
            differs((p) => (find(p, bucket).props.bucket = "elsewhere"), /inputs/);
            differs((p) => (find(p, bucket).provider = undefined), /provider/);
            differs((p) => p.raw.get(`aws:s3/bucket:Bucket::${bucket}`)!.aliases.pop(), /aliases/);
            differs((p) => p.plan.resources.pop(), /exactly the planned resources/);
        });

        it("registers, in a preview, the same resources with computed outputs unknown", async () => {
            const got = await preview();
            assertSameAsPlan(planned, got, true);
            assert.ok(unknownInPreview(got).length > 0, "a first preview has unknown inputs");
        });

        it("gets, for a first preview, the same verdicts from the pack runner as from the project's runner, and no blocking policy degrades to \"can't run\"", async () => {
            // The whole path of `pulumi preview --policy-pack policypack`: what the program
            // registered, unknowns and all, analyzed by the pack under run-policy-pack.
            const resources = analyzedFromRun(await preview());
            const pack = await startPack(PACK_DIR, {
                organization: ORGANIZATION,
                project: PROJECT,
                stack: "security",
                dryRun: true,
            });
            try {
                assert.deepStrictEqual(await configureFromFile(pack, PACK_CONFIG), []);
                const ds = await analyzeAll(pack, resources);
                const names = new Map(resources.map((r) => [r.urn, r.name]));
                const diagnostics: PolicyDiagnostic[] = ds.map((d) => ({
                    ...d,
                    resource: names.get(d.urn) ?? "(stack)",
                }));
                // Issue 10: a first preview decides every blocking policy (the pull-request
                // comment must not look clean while `pulumi up` would stop halfway).
                assert.deepStrictEqual(
                    degradedPolicies(diagnostics, packLevels(loadPackConfig(PACK_CONFIG))),
                    [],
                );
                const expected = checkResources(
                    resources.map((r) => ({ ...r, parent: r.parent })),
                    loadPackConfig(PACK_CONFIG),
                );
                assert.deepStrictEqual(fromPack(ds, resources), fromRunner(expected));
                pack.assertQuietStdout();
            } finally {
                await pack.close();
            }
        });
    });

    describe("the workload stack, reading the security stack through a StackReference", () => {
        let planned: Planned;
        let update: () => Promise<ProgramRun>;
        let preview: () => Promise<ProgramRun>;
        let withoutSecrets: () => Promise<ProgramRun>;
        before(async () => {
            const stage = await (security ??= securityStage());
            planned = await planWorkloadStack(stage.planned.plan);
            // The StackReference reads what the security stack's update registered as its
            // outputs, secrets marked as the engine marks them.
            const securityUpdate = await stage.update();
            assert.strictEqual(securityUpdate.exitCode, 0, securityUpdate.stderr);
            const outputs = securityUpdate.outputs.get(rootUrn("security"));
            assert.ok(outputs, "the security stack registered its outputs");
            const stacks = { [SECURITY_STACK]: outputs };
            update = settled(run(planned, false, FEATURES, stacks));
            preview = settled(run(planned, true, FEATURES, stacks));
            withoutSecrets = settled(
                run(
                    planned,
                    false,
                    FEATURES.filter((f) => f !== 0),
                    stacks,
                ),
            );
        });

        it("reads the security stack's outputs and registers exactly the plan's resources", async () => {
            const got = await update();
            assertSameAsPlan(planned, got, false);
            const reads = got.registrations.filter((r) => r.kind === "read");
            assert.deepStrictEqual(
                reads.map((r) => [r.type, r.name, r.inputs.value.name]),
                [["pulumi:pulumi:StackReference", "security", SECURITY_STACK]],
            );
            // The reporters' external ids reach the audit roles' trust policies as secrets.
            const audit = got.registrations.filter(
                (r) =>
                    r.type === "aws:iam/role:Role" &&
                    String(r.inputs.value.assumeRolePolicy).includes("ext-id-0123456789abcdef"),
            );
            assert.ok(audit.length > 0, "some trust policy names the reporter's external id");
            for (const r of audit)
                assert.ok(
                    r.inputs.secrets.includes("assumeRolePolicy"),
                    `${r.name} trust is secret`,
                );
        });

        it("registers, in a preview, the same resources with computed outputs unknown", async () => {
            assertSameAsPlan(planned, await preview(), true);
        });

        it("sends secrets in clear to a monitor that leaves out feature 0 (secrets), and the check sees it", async () => {
            const got = await withoutSecrets();
            assert.strictEqual(got.exitCode, 0, got.stderr);
            assert.ok(
                got.registrations.every((r) => r.inputs.secrets.length === 0),
                "no input is marked secret",
            );
            assert.throws(() => assertSameAsPlan(planned, got, false), /secret inputs/);
        });
    });
});
