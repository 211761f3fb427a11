package dev.clave.sgxplugin;

import java.util.List;

/**
 * What one resource can offer now.
 *
 * @param count how many devices to advertise healthy; 0 when the resource is unavailable
 * @param granted the device nodes an allocation gets, in a fixed order
 * @param why for an unavailable resource the reason, else a short description (for the logs)
 */
record Availability(int count, List<DeviceNode> granted, String why) {
  Availability {
    granted = List.copyOf(granted);
    if (count < 0 || (count > 0 && granted.isEmpty())) {
      throw new IllegalArgumentException("an available resource grants device nodes");
    }
  }

  static Availability none(String why) {
    return new Availability(0, List.of(), why);
  }

  boolean available() {
    return count > 0;
  }
}
