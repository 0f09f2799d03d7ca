// What a planned stack costs the real engine: how many provider plugin processes `pulumi preview`
// or `pulumi up` starts for it, and the peak memory of the whole deployment (the engine, the
// Node.js program, the policy pack and every provider process). The mock runtime has no provider
// processes at all, so its own memory says nothing about this; docs/BENCHMARKS.md has the model,
// its sources and the arithmetic behind the default of org-access:maxAccountsPerStack.
import { PlannedResource } from "./run";

/** What the real engine runs for one stack. */
export interface EngineModel {
    /** Provider plugin processes: one per explicit provider resource, plus any default provider. */
    readonly providers: number;
    /** Estimated peak resident memory of the whole deployment, in MB. */
    readonly estimatedPeakMemoryMb: number;
}

/**
 * One `pulumi-resource-aws` process per provider, at its peak: pulumi/pulumi-aws#5860 measured
 * 317-430 MB per process (aws 7.3.1, three of four processes above 300 MB), #5226 about 170 MB
 * each when started. The engine gives every provider resource its own plugin process
 * (pulumi/pulumi#19534, "allow providers to service more than one configuration per process", is
 * still open), and all of them run at once: a program registers its providers first and the
 * engine keeps each process until the deployment ends. The peak takes the largest figure.
 */
export const PROVIDER_PROCESS_MB = 430;

/** The engine itself (the `pulumi` CLI process): 117 MB resident beside four providers (pulumi/pulumi-aws#5860). */
export const ENGINE_MB = 120;

/**
 * The Node.js language host running the program, measured: the same program under the mock
 * runtime peaks at 179 MB with 60 resources and 1,114 MB with 6,000 (docs/BENCHMARKS.md), so a
 * base and a cost per registered resource (the SDK's resource objects and their outputs).
 */
export const PROGRAM_BASE_MB = 170;
export const PROGRAM_MB_PER_RESOURCE = 0.16;

/**
 * The policy pack's analyzer (`pulumi preview --policy-pack policypack`, as CI runs it): another
 * Node.js process, @pulumi/policy and the pack loaded (131 MB measured for @pulumi/policy alone)
 * plus the resources it is sent.
 */
export const POLICY_PACK_MB = 150;

/**
 * Memory of a standard GitHub-hosted runner for a private repository: 7 GB, the figure CI was
 * sized for. GitHub's table (https://docs.github.com/en/actions/reference/runners/github-hosted-runners,
 * "Standard GitHub-hosted runners for private repositories") now lists 2 CPUs and 8 GB for
 * ubuntu-latest; public repositories get 4 CPUs and 16 GB. The smaller figure keeps a margin.
 */
export const STANDARD_RUNNER_MB = 7 * 1024;

/**
 * Package of a provider resource type (`pulumi:providers:aws` -> `aws`); undefined for the
 * built-in provider (`pulumi:providers:pulumi`), which lives in the engine: a StackReference
 * starts no plugin (https://github.com/pulumi/pulumi/blob/master/docs/architecture/providers/built-in.md).
 */
function pluginPackage(type: string): string | undefined {
    const pkg = /^pulumi:providers:(.+)$/.exec(type)?.[1];
    return pkg === undefined || pkg === "pulumi" ? undefined : pkg;
}

/** The estimated peak of a deployment with this many provider processes and resources. */
export function estimatedPeakMemoryMb(providers: number, resources: number): number {
    return Math.round(
        ENGINE_MB +
            PROGRAM_BASE_MB +
            resources * PROGRAM_MB_PER_RESOURCE +
            POLICY_PACK_MB +
            providers * PROVIDER_PROCESS_MB,
    );
}

/**
 * The engine model of a planned stack. Providers: every explicit provider resource (each its own
 * process), and one default provider per package that a custom resource uses without naming a
 * provider. The engine creates a default provider only on demand, when a resource that needs one
 * is registered (https://github.com/pulumi/pulumi/blob/master/docs/architecture/providers/default.md),
 * so a stack whose resources all name their provider starts none; org-access's plans have none
 * (plan/run.ts refuses a resource on the default provider, and the mocks answer no provider
 * function), and the count here would show one if that ever changed.
 */
export function engineModel(resources: readonly PlannedResource[]): EngineModel {
    let explicit = 0;
    const defaults = new Set<string>();
    for (const r of resources) {
        if (r.component) continue;
        if (r.type.startsWith("pulumi:providers:")) {
            if (pluginPackage(r.type) !== undefined) explicit++;
        } else if (!r.provider && !r.type.startsWith("pulumi:")) {
            defaults.add(r.type.split(":")[0]);
        }
    }
    const providers = explicit + defaults.size;
    return { providers, estimatedPeakMemoryMb: estimatedPeakMemoryMb(providers, resources.length) };
}

/**
 * The most workload accounts one provider-mode stack can hold within `memoryMb`, by the model:
 * each account brings one provider process and `resourcesPerAccount` resources (13 with an
 * audit role, a preview role and their policies). Nothing is left for the runner's own OS and
 * agent at that count: docs/BENCHMARKS.md explains the margin the default keeps.
 */
export function accountsWithin(memoryMb: number, resourcesPerAccount = 13): number {
    const fixed = estimatedPeakMemoryMb(0, 0);
    const perAccount = PROVIDER_PROCESS_MB + resourcesPerAccount * PROGRAM_MB_PER_RESOURCE;
    return Math.max(0, Math.floor((memoryMb - fixed) / perAccount));
}
