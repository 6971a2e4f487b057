package dev.darkroom.testing;

import dev.darkroom.core.port.WebhookEndpoints;

/** The fake passes the same contract as the real adapter. */
class InMemoryWebhookEndpointsTest extends WebhookEndpointsContract {
  private final InMemoryWebhookEndpoints endpoints = new InMemoryWebhookEndpoints();

  @Override
  protected WebhookEndpoints endpoints() {
    return endpoints;
  }
}
