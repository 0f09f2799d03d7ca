// Runs the real program for one stack under Pulumi's mock runtime, with the stack's config read
// from its Pulumi.<stack>.yaml, and returns every resource it would create and in which account.
import * as pulumi from "@pulumi/pulumi";
import {
    decodeValues,
    namespaceValues,
    partitionOf,
    readStackFile,
    StackFileConfig,
    stackFilePath,
} from "../config";
import { landingAccount, ModelResource } from "../policypack/model/resources";
import { buildStack, isWorkloadStack } from "../stacks";
import { parseList, PlanMocks, providerRef, RecordedResource } from "./mocks";
import { ownType, urnParts } from "./urn";

export const PROJECT = "org-access";
/** The organization name the DIY backends report; StackReference names default to it. */
export const ORGANIZATION = "organization";

export interface PlannedResource {
    /** Pulumi type token. */
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** Physical id the mock assigned (a role's name, a key's id, ...). */
    readonly id?: string;
    /** Account the resource deploys into, from its provider; null for components and stack references. */
    readonly accountId: string | null;
    readonly props: Record<string, unknown>;
    /** The provider the resource names, if any. */
    readonly provider?: {
        readonly type: string;
        readonly name: string;
        readonly urn: string;
        readonly props: Record<string, unknown>;
    };
    /** Whether this is a component (a logical grouping) rather than a cloud resource. */
    readonly component: boolean;
    /** Resource options as the engine would receive them. */
    readonly options: RegisteredOptions;
    /** Inputs that are secret (their values are placeholders offline), e.g. `assumeRolePolicy`. */
    readonly secretProps: readonly string[];
}

/** The options of a registration that decide what `pulumi destroy` or a replacement may do. */
export interface RegisteredOptions {
    readonly protect: boolean;
    readonly retainOnDelete: boolean;
    /**
     * Names of the resources named in the `dependsOn` option (a component stands for its children),
     * sorted. A resource that is also an input is a dependency through that input already, and is
     * not listed.
     */
    readonly dependsOn: readonly string[];
    /** URN of the parent, if any. */
    readonly parent?: string;
    /**
     * The resource's own `aliases` option, each as the URN the engine computes from it (an alias
     * by name keeps the resource's type, parent, stack and project). A child of an aliased
     * component inherits its parent's alias without listing one (plan/diff.ts).
     */
    readonly aliases: readonly string[];
    /** Set (true) when the resource is replaced by deleting it first (fixed physical names). */
    readonly deleteBeforeReplace?: true;
    /**
     * The URNs of the resources behind each input, as the engine passes them on to a policy pack
     * (PolicyResource.propertyDependencies): a first preview's stack policies tie a resource to
     * another through them where the value itself (an ARN AWS assigns) is still unknown.
     */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

type AliasProto = {
    hasUrn(): boolean;
    getUrn(): string;
    getSpec():
        | {
              getName(): string;
              getType(): string;
              getStack(): string;
              getProject(): string;
              getParenturn(): string;
              getNoparent(): boolean;
          }
        | undefined;
};

type RegisterRequest = {
    getType(): string;
    getName(): string;
    getProtect(): boolean;
    getRetainondelete(): boolean;
    getDeletebeforereplace(): boolean;
    getParent(): string;
    /** The `aliases` option; the mock monitor supports alias specs (runtime/mocks.js). */
    getAliasesList(): AliasProto[];
    /** Every direct dependency: `dependsOn` and the resources behind every input. */
    getDependenciesList(): string[];
    /** The dependencies of each input. */
    getPropertydependenciesMap(): {
        forEach(f: (deps: { getUrnsList(): string[] }, key: string) => void): void;
    };
};

const nameOf = (urn: string) => urnParts(urn).name;

/**
 * A URN as the engine builds it (https://www.pulumi.com/docs/iac/concepts/resources/names/#urns):
 * the type is qualified by the parent's qualified type (`parent$type`), except under the root
 * stack resource, whose type the engine leaves out.
 */
export function makeUrn(
    stack: string,
    project: string,
    type: string,
    name: string,
    parentUrn?: string,
): string {
    const parentType = parentUrn ? urnParts(parentUrn).type : undefined;
    const qualified =
        parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The URN an alias names, as the engine collapses it (pulumi/pulumi
 * pkg/resource/deploy/step_generator.go, `collapseAliasToUrn`): every field left out is the
 * resource's own, and the parent is the resource's unless the alias says it had none.
 */
function aliasUrn(alias: AliasProto, req: RegisterRequest): string {
    const spec = alias.getSpec();
    if (alias.hasUrn() || !spec) return alias.getUrn();
    const parent = spec.getNoparent() ? undefined : spec.getParenturn() || req.getParent();
    return makeUrn(
        spec.getStack() || pulumi.getStack(),
        spec.getProject() || pulumi.getProject(),
        spec.getType() || req.getType(),
        spec.getName() || req.getName(),
        parent || undefined,
    );
}

/**
 * Records the options of every registration as the monitor receives them. The mock API does not
 * pass options to `newResource`, and the mock monitor never runs resource transforms
 * (`registerResourceTransform` reaches `Mocks.registerTransform` only), while a legacy stack
 * transformation needs a root stack resource that a plan does not create. So `protect`,
 * `retainOnDelete` and `dependsOn`, exactly what must be proved for the log resources, are read
 * from the request the engine would get: its dependencies minus those of its inputs are the
 * `dependsOn` ones. `aliases` too: the mock monitor announces alias specs (`supportsAliasSpecs`,
 * @pulumi/pulumi runtime/mocks.js), so the SDK sends each alias as given (runtime/resource.js,
 * `mapAliasesForRequest`) and leaves the parent's aliases to the engine, as a real one does.
 */
function captureOptions(): Map<string, RegisteredOptions> {
    const seen = new Map<string, RegisteredOptions>();
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(req: RegisterRequest, cb: unknown): unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        const throughInputs = new Set<string>();
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
            propertyDependencies[key] = deps.getUrnsList();
            for (const urn of deps.getUrnsList()) throughInputs.add(urn);
        });
        seen.set(`${req.getType()}::${req.getName()}`, {
            protect: req.getProtect(),
            retainOnDelete: req.getRetainondelete(),
            dependsOn: [
                ...new Set(
                    req
                        .getDependenciesList()
                        .filter((urn) => !throughInputs.has(urn))
                        .map(nameOf),
                ),
            ].sort(),
            parent: req.getParent() || undefined,
            aliases: req.getAliasesList().map((a) => aliasUrn(a, req)),
            ...(req.getDeletebeforereplace() ? { deleteBeforeReplace: true as const } : {}),
            propertyDependencies,
        });
        return original(req, cb);
    };
    return seen;
}

export interface PlanResult {
    readonly stack: string;
    readonly region: string;
    readonly resources: PlannedResource[];
    readonly outputs: Record<string, unknown>;
}

export interface PlanOptions {
    readonly stack: string;
    /** Stack file to read instead of Pulumi.<stack>.yaml. */
    readonly configFile?: string;
    /** The project folder: its Pulumi.<stack>.yaml files (default: this project's, PROJECT_ROOT). */
    readonly root?: string;
    /** Config given directly, instead of any file. */
    readonly stackFile?: StackFileConfig;
    /** Builds the program instead of `buildStack(stack)`; tests pass a builder with their own config. */
    readonly build?: () => unknown;
    /** Outputs of other stacks, for StackReferences, keyed by fully qualified stack name. */
    readonly stackOutputs?: Record<string, Record<string, unknown>>;
    /**
     * Plan as the first `pulumi preview` of an empty stack sees it (plan/mocks.ts): every computed
     * output unknown, and props that depend on one hold the engine's unknown sentinel.
     */
    readonly preview?: boolean;
}

import { DefaultProviderError } from "./errors";
export { DefaultProviderError };

type WaitableRuntime = { waitForRPCs?: () => Promise<void> };

/** Resolves every output, secrets included, to plain values; rejects if any of them failed. */
function settle(value: unknown): Promise<unknown> {
    // `promise()` is the SDK's own way to await an Output (it is what `apply` builds on); unlike
    // `apply`, it rejects when an upstream apply threw, so a failed plan cannot hang.
    return (pulumi.output(value) as unknown as { promise(): Promise<unknown> }).promise();
}

/** Plans one stack. Config errors throw ConfigError before any resource is registered. */
export async function planStack(options: PlanOptions): Promise<PlanResult> {
    const { config, secretKeys } =
        options.stackFile ??
        readStackFile(options.configFile ?? stackFilePath(options.stack, options.root));
    const region = config["aws:region"] ?? "";
    const mocks = new PlanMocks({
        region,
        partition: partitionOf(region),
        stackOutputs: options.stackOutputs,
        preview: options.preview,
    });

    // An apply that throws (a malformed stack output, say) would otherwise surface as an
    // unhandled rejection after the plan has printed; collect it and fail the plan instead.
    const failures: unknown[] = [];
    const onRejection = (reason: unknown) => failures.push(reason);
    process.on("unhandledRejection", onRejection);
    // The SDK captures `new Error().stack` for every promise and resource it creates (for leak and
    // source-position reports the plan never prints); that capture was about half of a plan's CPU.
    // A zero limit makes the capture free. Set ORG_ACCESS_PLAN_STACKS=1 to keep traces for debugging.
    const stackLimit = Error.stackTraceLimit;
    if (!process.env.ORG_ACCESS_PLAN_STACKS) Error.stackTraceLimit = 0;
    try {
        await pulumi.runtime.setMocks(
            mocks,
            PROJECT,
            options.stack,
            options.preview ?? false,
            ORGANIZATION,
        );
        pulumi.runtime.setAllConfig(config, secretKeys);
        const registered = captureOptions();
        // In a preview, outputs that depend on unknowns settle as undefined.
        const outputs = ((await settle(
            (options.build ?? (() => buildStack(options.stack, options.root)))(),
        )) ?? {}) as Record<string, unknown>;
        await (pulumi.runtime as unknown as WaitableRuntime).waitForRPCs?.();
        // Let rejections queued by the last registrations reach the handler.
        await new Promise((r) => setImmediate(r));
        if (failures.length > 0) throw failures[0];
        return { stack: options.stack, region, resources: describe(mocks, registered), outputs };
    } finally {
        Error.stackTraceLimit = stackLimit;
        process.off("unhandledRejection", onRejection);
    }
}

/** The real URN of every registered resource, by `type::name` (children's URNs carry their parents' types). */
function registeredUrns(): Map<string, string> {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        getRegisteredResources?(): Map<string, unknown>;
    };
    const urns = new Map<string, string>();
    for (const urn of monitor.getRegisteredResources?.().keys() ?? []) {
        urns.set(`${ownType(urn)}::${urnParts(urn).name}`, urn);
    }
    return urns;
}

function describe(mocks: PlanMocks, registered: Map<string, RegisteredOptions>): PlannedResource[] {
    const stack = pulumi.getStack();
    const urns = registeredUrns();
    const urnOf = (type: string, name: string) =>
        urns.get(`${type}::${name}`) ?? `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
    const providers = new Map<string, RecordedResource>();
    for (const r of mocks.resources) {
        if (r.type.startsWith("pulumi:providers:"))
            providers.set(providerRef(r.type, r.name, r.id), r);
    }
    const usingDefault: string[] = [];
    const out = mocks.resources.map((r): PlannedResource => {
        const component = !r.custom;
        const provider = r.providerRef ? providers.get(r.providerRef) : undefined;
        let accountId: string | null = null;
        if (r.type === "pulumi:providers:aws") {
            const allowed = parseList(r.inputs.allowedAccountIds);
            accountId = allowed.length === 1 ? allowed[0] : null;
        } else if (r.type.startsWith("aws:")) {
            accountId = mocks.accountOf(r.providerRef) ?? null;
            if (!accountId) usingDefault.push(`${r.type} ${r.name}`);
        }
        return {
            type: r.type,
            name: r.name,
            urn: urnOf(r.type, r.name),
            id: r.id,
            accountId,
            props: r.inputs,
            provider: provider
                ? {
                      type: provider.type,
                      name: provider.name,
                      urn: urnOf(provider.type, provider.name),
                      props: provider.inputs,
                  }
                : undefined,
            component,
            options: registered.get(`${r.type}::${r.name}`) ?? {
                protect: false,
                retainOnDelete: false,
                dependsOn: [],
                aliases: [],
            },
            secretProps: r.secretInputs,
        };
    });
    if (usingDefault.length > 0) throw new DefaultProviderError(usingDefault);
    return out;
}

/** The fully qualified name the workload stack's StackReference uses for the security stack by default. */
export function defaultSecurityStackName(): string {
    return `${ORGANIZATION}/${PROJECT}/security`;
}

/** Whether a workload stack file takes its trusted principals from the security stack. */
export function needsSecurityOutputs(
    stack: string,
    configFile?: string,
    root?: string,
): { needed: boolean; stackName: string } {
    if (!isWorkloadStack(stack)) return { needed: false, stackName: "" };
    const { config } = readStackFile(configFile ?? stackFilePath(stack, root));
    const values = namespaceValues(decodeValues(config));
    if (values.trustedPrincipals !== undefined) return { needed: false, stackName: "" };
    const name =
        typeof values.securityStack === "string"
            ? values.securityStack
            : defaultSecurityStackName();
    return { needed: true, stackName: name };
}

/** A planned resource as the policy pack sees it: what the engine passes to a policy. */
export function toPackResource(r: PlannedResource) {
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        props: r.props,
        provider: r.provider,
        parent: r.options.parent,
        ...(r.options.propertyDependencies
            ? { propertyDependencies: r.options.propertyDependencies }
            : {}),
    };
}

/** The type and name of a resource from its URN (`urn:pulumi:stack::project::parent$type::name`). */
function parentOf(urn: string | undefined): ModelResource["parent"] {
    if (!urn) return undefined;
    const type = ownType(urn);
    return type ? { type, name: nameOf(urn), urn } : undefined;
}

/**
 * A planned resource in the neutral shape the evidence and the stack policies share
 * (policypack/model/resources.ts). The plan records every registration, so a parent URN always
 * names a resource of the plan, as the engine's linked parent does.
 */
export function toModelResource(r: PlannedResource): ModelResource {
    const parent = parentOf(r.options.parent);
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        ...(r.id !== undefined ? { id: r.id } : {}),
        ...(parent ? { parent } : {}),
        props: r.props,
        accountId: landingAccount(r.type, r.props, r.provider?.props),
    };
}
