import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("org-access-guard", { policies });
