package dev.darkroom.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The ports a contract speaks for, when its name does not say it: {@code XContract} is the
 * contract of port {@code X}; {@link ContractCoverage} reads both.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ContractOf {
  Class<?>[] value();
}
