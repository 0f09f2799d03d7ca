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

// IAM Identity Center permission sets are for people, so each is held to the cap through its
// sessionDuration (ISO-8601, one to twelve hours, AWS's default PT1H when unset).
describe("iam-role-session-cap on IAM Identity Center permission sets", () => {
    const set = (sessionDuration?: unknown, name = "Ops"): Json => ({
        name,
        instanceArn: "arn:aws:sso:::instance/ssoins-1234567890abcdef",
        ...(sessionDuration !== undefined ? { sessionDuration } : {}),
    });
    const check = (props: Json, config?: Json) =>
        runResourcePolicy(iamRoleSessionCap, aws.ssoadmin.PermissionSet, props, {
            name: "ops-ps",
            config,
        });

    for (const d of [undefined, "", "PT1H", "PT59M60S"])
        it(`passes ${JSON.stringify(d)} (AWS's default is one hour)`, async () => {
            assertViolations(await check(set(d)), 0);
        });

    it("flags a session above the cap, naming the set, the length and the cap", async () => {
        assertViolations(
            await check(set("PT2H")),
            1,
            'Permission set "Ops"',
            "PT2H (7200 s)",
            "above the cap of 3600 s",
            "Fix:",
        );
        assertViolations(await check(set("PT1H30M")), 1, "5400 s");
    });

    it("follows the configured cap, the unset default included", async () => {
        assertViolations(await check(set("PT2H"), { maxSessionSeconds: 7200 }), 0);
        assertViolations(
            await check(set(undefined), { maxSessionSeconds: 1800 }),
            1,
            "PT1H (3600 s)",
            "AWS's default",
        );
    });

    it("gives the break-glass set no more than the cap", async () => {
        assertViolations(await check(set("PT12H", "BreakGlass")), 1, 'Permission set "BreakGlass"');
        assertViolations(await check(set("PT1H", "BreakGlass")), 0);
    });

    // Every form of AWS's SessionDuration pattern is read: days and weeks as 24 h and 7 days
    // (issue 12 review, finding 6).
    for (const [d, seconds] of [
        ["P0DT1H", 3600],
        ["P0WT1H", 3600],
        ["PT3600S", 3600],
        ["PT3599.5S", undefined],
        ["P0DT2H", 7200],
        ["P0Y0M0DT1H30M", 5400],
    ] as Array<[string, number | undefined]>)
        it(`reads ${d} as AWS does`, async () => {
            const capped = await check(set(d), { maxSessionSeconds: 43200 });
            if (seconds === undefined)
                assertViolations(capped, 1, `sessionDuration "${d}"`, "3599.5 s, outside");
            else {
                assertViolations(capped, 0);
                assertViolations(
                    await check(set(d), { maxSessionSeconds: seconds - 1 }),
                    1,
                    `(${seconds} s), above the cap`,
                );
            }
        });

    for (const [bad, why] of [
        ["P1M", "years and months have no fixed length"],
        ["P0Y1MT1H", "years and months have no fixed length"],
        ["-PT1H", "negative"],
        ["PT1H30", "not an ISO-8601 duration of the form AWS accepts"],
    ])
        it(`refuses ${bad}, saying why`, async () => {
            assertViolations(await check(set(bad)), 1, `sessionDuration "${bad}"`, why);
        });

    for (const bad of ["1h", "PT", "P1D", "PT30M", "PT13H", "pt1h", 3600])
        it(`flags the malformed or out-of-range duration ${JSON.stringify(bad)}`, async () => {
            assertViolations(
                await check(set(bad)),
                1,
                `sessionDuration ${JSON.stringify(bad)}`,
                "from PT1H to PT12H",
                'set sessionDuration to "PT1H"',
            );
        });
});
