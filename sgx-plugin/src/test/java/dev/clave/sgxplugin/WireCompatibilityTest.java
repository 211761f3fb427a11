package dev.clave.sgxplugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.clave.sgxplugin.api.DevicePluginGrpc;
import dev.clave.sgxplugin.api.DeviceSpec;
import dev.clave.sgxplugin.api.DevicepluginV1Beta1;
import dev.clave.sgxplugin.api.RegisterRequest;
import dev.clave.sgxplugin.api.RegistrationGrpc;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Our .proto against kubelet's v1beta1 API, field by field (transcribed from the API's message table). */
class WireCompatibilityTest {

  /** kubelet's messages: name, then each field as name=number:type, "repeated" for lists. */
  private static final List<String> KUBELET_SCHEMA = List.of(
      "Empty",
      "DevicePluginOptions pre_start_required=1:bool get_preferred_allocation_available=2:bool",
      "RegisterRequest version=1:string endpoint=2:string resource_name=3:string options=4:DevicePluginOptions",
      "ListAndWatchResponse devices=1:repeated Device",
      "TopologyInfo nodes=1:repeated NUMANode",
      "NUMANode ID=1:int64",
      "Device ID=1:string health=2:string topology=3:TopologyInfo",
      "PreStartContainerRequest devices_ids=1:repeated string",
      "PreStartContainerResponse",
      "PreferredAllocationRequest container_requests=1:repeated ContainerPreferredAllocationRequest",
      "ContainerPreferredAllocationRequest available_deviceIDs=1:repeated string must_include_deviceIDs=2:repeated string allocation_size=3:int32",
      "PreferredAllocationResponse container_responses=1:repeated ContainerPreferredAllocationResponse",
      "ContainerPreferredAllocationResponse deviceIDs=1:repeated string",
      "AllocateRequest container_requests=1:repeated ContainerAllocateRequest",
      "ContainerAllocateRequest devices_ids=1:repeated string",
      "CDIDevice name=1:string",
      "AllocateResponse container_responses=1:repeated ContainerAllocateResponse",
      "ContainerAllocateResponse envs=1:map<string,string> mounts=2:repeated Mount devices=3:repeated DeviceSpec "
          + "annotations=4:map<string,string> cdi_devices=5:repeated CDIDevice",
      "Mount container_path=1:string host_path=2:string read_only=3:bool",
      "DeviceSpec container_path=1:string host_path=2:string permissions=3:string");

  @Test
  void everyMessageAndFieldMatchesKubelets() {
    assertThat(DevicepluginV1Beta1.getDescriptor().getPackage()).isEqualTo("v1beta1");
    List<String> ours = new ArrayList<>();
    for (Descriptor m : DevicepluginV1Beta1.getDescriptor().getMessageTypes()) {
      StringBuilder line = new StringBuilder(m.getName());
      for (FieldDescriptor f : m.getFields()) {
        line.append(' ').append(f.getName()).append('=').append(f.getNumber()).append(':').append(type(f));
      }
      ours.add(line.toString());
    }
    assertThat(ours).containsExactlyInAnyOrderElementsOf(KUBELET_SCHEMA);
  }

  private static String type(FieldDescriptor f) {
    if (f.isMapField()) {
      return "map<" + type(f.getMessageType().findFieldByName("key")) + "," + type(f.getMessageType().findFieldByName("value")) + ">";
    }
    String t = f.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? f.getMessageType().getName() : f.getType().name().toLowerCase();
    return f.isRepeated() ? "repeated " + t : t;
  }

  @Test
  void methodNamesAreKubelets() {
    assertThat(RegistrationGrpc.getRegisterMethod().getFullMethodName()).isEqualTo("v1beta1.Registration/Register");
    assertThat(List.of(
            DevicePluginGrpc.getGetDevicePluginOptionsMethod().getFullMethodName(),
            DevicePluginGrpc.getListAndWatchMethod().getFullMethodName(),
            DevicePluginGrpc.getGetPreferredAllocationMethod().getFullMethodName(),
            DevicePluginGrpc.getAllocateMethod().getFullMethodName(),
            DevicePluginGrpc.getPreStartContainerMethod().getFullMethodName()))
        .containsExactly(
            "v1beta1.DevicePlugin/GetDevicePluginOptions",
            "v1beta1.DevicePlugin/ListAndWatch",
            "v1beta1.DevicePlugin/GetPreferredAllocation",
            "v1beta1.DevicePlugin/Allocate",
            "v1beta1.DevicePlugin/PreStartContainer");
    assertThat(DevicePluginGrpc.getListAndWatchMethod().getType()).isEqualTo(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING);
  }

  @Test
  void aRegistrationEncodesAsKubeletDecodesIt() {
    RegisterRequest r = RegisterRequest.newBuilder()
        .setVersion("v1beta1")
        .setEndpoint("sgx.intel.com-enclave.sock")
        .setResourceName("sgx.intel.com/enclave")
        .setOptions(dev.clave.sgxplugin.api.DevicePluginOptions.newBuilder().setGetPreferredAllocationAvailable(true))
        .build();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    field(expected, 1, "v1beta1");
    field(expected, 2, "sgx.intel.com-enclave.sock");
    field(expected, 3, "sgx.intel.com/enclave");
    expected.writeBytes(new byte[] {(4 << 3) | 2, 2, (2 << 3), 1}); // options { field 2 = true }
    assertThat(r.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void aDeviceSpecEncodesAsKubeletDecodesIt() {
    DeviceSpec d = DeviceSpec.newBuilder().setContainerPath("/dev/sgx_enclave").setHostPath("/dev/x").setPermissions("rw").build();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    field(expected, 1, "/dev/sgx_enclave");
    field(expected, 2, "/dev/x");
    field(expected, 3, "rw");
    assertThat(d.toByteArray()).isEqualTo(expected.toByteArray());
  }

  private static void field(ByteArrayOutputStream out, int number, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    out.write((number << 3) | 2);
    out.write(b.length);
    out.writeBytes(b);
  }
}
