import * as assert from "assert";
import * as aws from "@pulumi/aws";
import {
    ResourceValidationPolicy,
    StackValidationPolicy,
    UnknownValueError,
    validateResourceOfType,
} from "@pulumi/policy";
import { policies } from "../../policypack/policies";
import {
    checkResources,
    engineResource,
    isTypeOf,
    mayApply,
    PlannedResource,
    policyResources,
    runResourcePolicy,
    runStackPolicy,
} from "../../policypack/runner";
import { ownProgramResources } from "./fixtures";
import * as helpers from "./helpers";

const ROLE = "aws:iam/role:Role";
const ctx = { config: {}, stackTags: new Map<string, string>() };

describe("runner", () => {
    it("tells types apart as the engine does: by __pulumiType, else by isInstance", () => {
        assert.ok(isTypeOf(ROLE, aws.iam.Role));
        assert.ok(!isTypeOf(ROLE, aws.iam.User));
        const onlyIsInstance = {
            isInstance: (o: { __pulumiType?: string }) => o.__pulumiType === ROLE,
        };
        assert.ok(isTypeOf(ROLE, onlyIsInstance));
        assert.ok(!isTypeOf("aws:iam/user:User", onlyIsInstance));
        assert.ok(!isTypeOf(ROLE, undefined));
    });

    it("skips validations that declare other types, as not applicable, without calling them", () => {
        let calls = 0;
        const policy: ResourceValidationPolicy = {
            name: "p",
            description: "",
            validateResource: validateResourceOfType(aws.iam.User, () => {
                calls++;
            }),
        };
        assert.ok(!mayApply(policy, ROLE));
        const r = engineResource({ type: ROLE, name: "r", props: {} });
        const outcome = runResourcePolicy(policy, r, ctx, () => undefined);
        assert.strictEqual(calls, 0);
        assert.match(outcome.notApplicable ?? "", /aws:iam\/user:User/);
    });

    it("lets UnknownValueError propagate, or hands it to onUnknown and goes on", () => {
        const seen: string[] = [];
        const policy: ResourceValidationPolicy = {
            name: "p",
            description: "",
            validateResource: [
                (args) => {
                    void (args.props as { policy?: unknown }).policy;
                },
                (_args, report) => report("second ran"),
            ],
        };
        const r = engineResource({
            type: ROLE,
            name: "r",
            props: { policy: helpers.UNKNOWN_STRING },
        });
        assert.throws(
            () => runResourcePolicy(policy, r, ctx, (m) => seen.push(m)),
            UnknownValueError,
        );
        const unknowns: UnknownValueError[] = [];
        runResourcePolicy(
            policy,
            r,
            ctx,
            (m) => seen.push(m),
            (e) => unknowns.push(e),
        );
        assert.strictEqual(unknowns.length, 1);
        assert.deepStrictEqual(seen, ["second ran"]);
    });

    it("refuses a policy that returns a Promise, naming the policy and resource", () => {
        const policy: ResourceValidationPolicy = {
            name: "async-policy",
            description: "",
            validateResource: async () => undefined,
        };
        assert.throws(
            () =>
                checkResources([{ type: ROLE, name: "r", props: {} }], undefined, {
                    policies: [policy],
                }),
            /policy async-policy failed on aws:iam\/role:Role "r": .*returned a Promise/,
        );
    });

    it("links stack resources to their parents by URN and reports notApplicable", () => {
        const resources = [
            engineResource({
                type: "org-access:access:AuditRole",
                name: "c",
                urn: "urn:c",
                props: {},
            }),
            engineResource({ type: ROLE, name: "c-role", parent: "urn:c", props: {} }),
        ];
        const linked = policyResources(resources);
        assert.strictEqual(linked[1].parent, linked[0]);
        assert.strictEqual(linked[1].opts.parent, "urn:c");
        const policy: StackValidationPolicy = {
            name: "s",
            description: "",
            validateStack: (args) => args.notApplicable("nothing to check"),
        };
        assert.deepStrictEqual(
            runStackPolicy(policy, linked, ctx, () => undefined),
            {
                notApplicable: "nothing to check",
            },
        );
    });

    it("gives the test helpers and checkResources the same violations for the pack's policies", async () => {
        const resources: PlannedResource[] = [
            ...ownProgramResources(),
            {
                type: ROLE,
                name: "public",
                props: { assumeRolePolicy: helpers.policyDoc(helpers.allowAssume("*")) },
            },
            { type: "aws:iam/policy:Policy", name: "broken", props: { policy: "{" } },
        ];
        const viaCheck = checkResources(resources)
            .filter((v) => policies.some((p) => p.name === v.policy && "validateResource" in p))
            .map((v) => `${v.policy} ${v.resource}: ${v.message}`);
        const viaHelpers: string[] = [];
        for (const r of resources) {
            for (const p of policies) {
                if (!("validateResource" in p)) continue;
                const run = await helpers.runResourcePolicy(
                    p as ResourceValidationPolicy,
                    r.type,
                    r.props,
                    {
                        name: r.name,
                        ...(r.provider
                            ? { provider: { ...r.provider, urn: r.provider.urn ?? "urn:p" } }
                            : {}),
                    },
                );
                viaHelpers.push(...run.violations.map((m) => `${p.name} ${r.name}: ${m}`));
            }
        }
        assert.ok(viaCheck.length >= 2, viaCheck.join("\n"));
        assert.deepStrictEqual(viaHelpers, viaCheck);
    });
});
