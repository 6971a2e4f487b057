/**
 * Offline checks that terraform/ and cloudbuild.yaml agree with the code: HCL parses, every
 * deployable gets exactly the environment and the IAM roles its code needs, names match.
 */
package dev.darkroom.terraform.checks;
