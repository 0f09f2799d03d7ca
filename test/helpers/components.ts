// Components constructed directly under the plan's mock runtime, each with the provider of the
// account it belongs to, without a whole stack around them.
import type * as awsTypes from "@pulumi/aws";
import { PlannedResource, PlanResult, planStack } from "../../plan/run";
import { LOG_ARCHIVE, MANAGEMENT, PROD, SECURITY, securityValues, stackFileOf } from "./index";

/** One pinned provider per test account, created inside the plan. */
export interface TestProviders {
    readonly security: awsTypes.Provider;
    readonly management: awsTypes.Provider;
    readonly logArchive: awsTypes.Provider;
    readonly prod: awsTypes.Provider;
}

/**
 * Plans what `build` constructs, under the same mocks as the stacks (plan/run.ts). The modules are
 * imported inside, once the mocks exist, as in pulumi's unit-test examples.
 */
export async function planComponents(
    build: (aws: typeof awsTypes, providers: TestProviders) => void,
): Promise<PlanResult> {
    const aws = await import("@pulumi/aws");
    return planStack({
        stack: "security",
        stackFile: stackFileOf(securityValues()),
        build: () => {
            const provider = (name: string, accountId: string) =>
                new aws.Provider(name, { region: "us-east-1", allowedAccountIds: [accountId] });
            build(aws, {
                security: provider("security", SECURITY),
                management: provider("management", MANAGEMENT),
                logArchive: provider("log-archive", LOG_ARCHIVE),
                prod: provider("prod", PROD),
            });
            return {};
        },
    });
}

/** The cloud resources (not components) whose parent is the component of `type` named `name`. */
export function childrenOf(plan: PlanResult, type: string, name: string): PlannedResource[] {
    const parent = plan.resources.find((r) => r.component && r.type === type && r.name === name);
    if (!parent) throw new Error(`no component ${type} named ${name}`);
    return plan.resources.filter((r) => !r.component && r.options.parent === parent.urn);
}

/** The value of an output of a component once its plan has settled. */
export function promiseOf<T>(output: { apply<U>(f: (t: T) => U): unknown }): Promise<T> {
    return new Promise((resolve) => output.apply((v) => resolve(v)));
}
