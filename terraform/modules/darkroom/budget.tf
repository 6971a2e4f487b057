# A monthly budget on the billing account, scoped to this project, alerting at 50 %, 90 % and 100 %
# of the amount (and at 100 % of the forecast) to the on-call channel. GPU jobs bill each task's
# whole lifetime, so a stuck queue of retries shows here first.
resource "google_billing_budget" "monthly" {
  count = var.budget_billing_account == "" ? 0 : 1

  billing_account = var.budget_billing_account
  display_name    = "Darkroom ${var.prefix} monthly"

  budget_filter {
    # The whole project: two environments sharing one project share this budget.
    projects = ["projects/${data.google_project.this.number}"]
  }

  amount {
    specified_amount {
      units = tostring(var.budget_amount_units)
    }
  }

  threshold_rules {
    threshold_percent = 0.5
  }
  threshold_rules {
    threshold_percent = 0.9
  }
  threshold_rules {
    threshold_percent = 1.0
  }
  threshold_rules {
    threshold_percent = 1.0
    spend_basis       = "FORECASTED_SPEND"
  }

  all_updates_rule {
    monitoring_notification_channels = local.channels
    disable_default_iam_recipients   = false
  }
}
