# prod: what differs from dev (the shared root is terraform/envs/main.tf).
prefix              = "prod"
budget_amount_units = 2000

# prod owns the project's (default) Firestore database, its PITR and backups.
manage_firestore_database = true
deletion_protection       = true
api_min_instances         = 1
sql_tier                  = "db-custom-2-7680"
sql_availability_type     = "REGIONAL"
