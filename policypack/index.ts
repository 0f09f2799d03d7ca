import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";
import { honouringSuppressions } from "./suppressions";

// Under the engine, each policy drops the violations its config's active suppressions match
// (the offline runner applies the same rule in policypack/runner.ts).
new PolicyPack("org-access-guard", { policies: policies.map((p) => honouringSuppressions(p)) });
