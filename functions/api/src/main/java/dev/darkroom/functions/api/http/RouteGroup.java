package dev.darkroom.functions.api.http;

import java.util.List;

/** A group of routes the router serves: one class per group, each handler answering one route. */
public interface RouteGroup {

  /** This group's routes, in the order the router tries them. */
  List<Route> routes();
}
