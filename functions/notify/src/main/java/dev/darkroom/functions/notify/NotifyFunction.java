package dev.darkroom.functions.notify;

import com.google.cloud.functions.CloudEventsFunction;
import com.google.common.base.Suppliers;
import dev.darkroom.core.event.JobNotification;
import dev.darkroom.core.usecase.NotifyJobEnded;
import dev.darkroom.gcp.Adapters;
import dev.darkroom.gcp.TriggeredEvents;
import io.cloudevents.CloudEvent;
import java.time.Clock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Triggered by the {@code notifications} topic: tells the job's owner and integrations that it
 * ended (and the reply topic of an event-driven run that named one). Every message is acknowledged: a target that failed for now is scheduled again in Cloud
 * SQL, and the reconcile sweep republishes the notification when it is due (see
 * {@link NotifyJobEnded}). Only an infrastructure failure (the database down) throws, so that
 * Pub/Sub redelivers.
 */
public final class NotifyFunction implements CloudEventsFunction {
  private static final Logger log = LoggerFactory.getLogger(NotifyFunction.class);

  private final Supplier<NotifyJobEnded> notify;

  public NotifyFunction() {
    NotifyConfig config = NotifyConfig.fromEnvironment();
    this.notify = Suppliers.memoize(() -> {
      Adapters adapters = new Adapters(config.cloud(), config.database());
      return new NotifyJobEnded(adapters.webhookEndpoints(config.webhooks()), adapters.webhookSender(config.webhooks()),
          adapters.deviceTokens(config.devices()), adapters.pushSender(),
          adapters.integrationEvents(config.integrationTopic()),
          new NotifyJobEnded.Mail(adapters.emailRecipients(), adapters.emailSender(config.smtp())),
          new NotifyJobEnded.Replies(adapters.jobStore(config.jobs()), adapters.runEvents(config.integrationTopic())),
          adapters.deliveryLog(), adapters.pendingNotifications(), config.retrySchedule(), config.budget(),
          Clock.systemUTC());
    });
  }

  NotifyFunction(Supplier<NotifyJobEnded> notify) {
    this.notify = notify;
  }

  @Override
  public void accept(CloudEvent event) {
    TriggeredEvents.message(event, JobNotification.class, "notification", log).ifPresent(notification -> {
      NotifyJobEnded.Result result = notify.get().notify(notification);
      if (result.notDue()) {
        log.info("notification {} of job {}: not due yet or being delivered (a duplicate delivery); acknowledged",
            notification.id(), notification.jobId());
      } else {
        log.info("notification {} of job {}: {}", notification.id(), notification.jobId(), result);
      }
    });
  }
}
