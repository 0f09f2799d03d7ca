import * as aws from "@pulumi/aws";
import { iamRoleSessionCap } from "../../policypack/policies";
import {
    ALICE,
    allowAssume,
    assertViolations,
    CI_ROLE,
    Json,
    MFA,
    policyDoc,
    runResourcePolicy,
} from "./helpers";

describe("iam-role-session-cap", () => {
    const role = (principal: unknown, maxSessionDuration?: number): Json => ({
        name: "r",
        assumeRolePolicy: policyDoc(allowAssume(principal, MFA)),
        ...(maxSessionDuration !== undefined ? { maxSessionDuration } : {}),
    });
    it("flags human-assumable roles above the cap", async () => {
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE }, 43200)),
            1,
            "43200",
            "3600",
            "Fix:",
        );
        assertViolations(
            await runResourcePolicy(
                iamRoleSessionCap,
                aws.iam.Role,
                role({ AWS: "222222222222" }, 3601),
            ),
            1,
        );
    });
    it("passes the default, the cap, machine roles and a configured cap", async () => {
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE })),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE }, 3600)),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: CI_ROLE }, 43200)),
            0,
        );
        assertViolations(
            await runResourcePolicy(
                iamRoleSessionCap,
                aws.iam.Role,
                role({ Service: "ec2.amazonaws.com" }, 43200),
            ),
            0,
        );
        assertViolations(
            await runResourcePolicy(iamRoleSessionCap, aws.iam.Role, role({ AWS: ALICE }, 7200), {
                config: { maxSessionSeconds: 7200 },
            }),
            0,
        );
    });
});
