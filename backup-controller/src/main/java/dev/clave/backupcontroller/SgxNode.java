package dev.clave.backupcontroller;

import java.util.Optional;

/**
 * A node the controller covers.
 *
 * @param name the node's name
 * @param bootId {@code status.nodeInfo.bootID}, the platform's stand-in when the LAS does not answer
 * @param lasPodIp the IP of the running LAS pod on it, empty when there is none
 */
public record SgxNode(String name, String bootId, Optional<String> lasPodIp) {}
