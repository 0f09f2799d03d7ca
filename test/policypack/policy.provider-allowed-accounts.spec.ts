import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { awsProviderAllowedAccounts } from "../../policypack/policies";
import {
    assertViolations,
    Json,
    runStackPolicy,
    StackResourceSpec,
    WORKLOAD_ACCOUNT,
} from "./helpers";

const PROVIDER = "pulumi:providers:aws";

describe("aws-provider-allowed-accounts", () => {
    const provider = (name: string, props: Json): StackResourceSpec => ({
        type: PROVIDER,
        name,
        props,
    });
    it("flags providers without one pinned account, including JSON-encoded inputs", async () => {
        const r = await runStackPolicy(awsProviderAllowedAccounts, [
            provider("ok", { allowedAccountIds: [WORKLOAD_ACCOUNT] }),
            provider("ok-json", { allowedAccountIds: JSON.stringify([WORKLOAD_ACCOUNT]) }),
            provider("none", { region: "us-east-1" }),
            provider("two", { allowedAccountIds: [WORKLOAD_ACCOUNT, "444444444444"] }),
            provider("bad", { allowedAccountIds: ["12345"] }),
        ]);
        assertViolations(r, 3, "Fix:");
        assert.deepStrictEqual(
            r.violations.map((v) => v.urn?.split("::").pop()),
            ["none", "two", "bad"],
        );
    });
    it("checks default providers attached to resources", async () => {
        const r = await runStackPolicy(awsProviderAllowedAccounts, [
            {
                type: aws.s3.Bucket,
                name: "b",
                props: {},
                provider: {
                    type: PROVIDER,
                    name: "default_7_48_0",
                    props: { region: "us-east-1" },
                },
            },
        ]);
        assertViolations(r, 1, "default_7_48_0");
    });
    it("can require an assumed role", async () => {
        const specs = [
            provider("p", { allowedAccountIds: [WORKLOAD_ACCOUNT] }),
            provider("q", {
                allowedAccountIds: [WORKLOAD_ACCOUNT],
                assumeRoles: JSON.stringify([
                    { roleArn: `arn:aws:iam::${WORKLOAD_ACCOUNT}:role/deploy` },
                ]),
            }),
        ];
        assertViolations(
            await runStackPolicy(awsProviderAllowedAccounts, specs, { requireAssumeRole: true }),
            1,
            "assumeRoles",
        );
    });
});
