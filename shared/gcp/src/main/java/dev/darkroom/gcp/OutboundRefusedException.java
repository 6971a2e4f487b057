package dev.darkroom.gcp;

import java.net.UnknownHostException;

/**
 * {@link OutboundHttp} refused a destination under the {@link
 * dev.darkroom.core.notify.OutboundUrlPolicy}: nothing was sent and no connection was opened.
 * Never transient: trying again gives the same answer.
 *
 * <p>It is an {@link UnknownHostException} because OkHttp lets only that out of a {@code Dns}
 * (and passes it through from a socket's connect unchanged), so one type reaches the caller
 * whichever check refused.
 */
public final class OutboundRefusedException extends UnknownHostException {
  private static final long serialVersionUID = 1L;

  public OutboundRefusedException(String why) {
    super(why);
  }
}
