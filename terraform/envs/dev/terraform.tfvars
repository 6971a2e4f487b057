# dev: what differs from prod (the shared root is terraform/envs/main.tf).
prefix              = "dev"
budget_amount_units = 200

# dev shares the project with prod: prod owns the (default) Firestore database.
manage_firestore_database = false
deletion_protection       = false
api_min_instances         = 0
sql_tier                  = "db-custom-1-3840"
sql_availability_type     = "ZONAL"
