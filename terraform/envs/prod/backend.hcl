# prod's Terraform state, under the bucket given with -backend-config=bucket=<project>-tfstate.
prefix = "darkroom/prod"
