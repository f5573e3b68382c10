namespace StreamFusion.Core.Assets;

/// <summary>A model or sample file the project knows by name, with where to fetch it and its checksum.</summary>
/// <param name="Name">path relative to an asset directory, e.g. "models/yolox_nano.onnx"</param>
/// <param name="Url">upstream download URL, or null when it can only be supplied locally</param>
public sealed record AssetEntry(string Name, string Sha256, string? Url, string Description);

public static class AssetCatalog
{
    public static readonly IReadOnlyList<AssetEntry> Entries =
    [
        new("models/yolox_nano.onnx", "695e750a5d5754bb5a8d5325643b59282191a7e7a564e435a415fd3c578eab14",
            "https://github.com/Kazuhito00/YOLOX-ONNX-TFLite-Sample/raw/ac07155e3ac8a531d89d24204e50f364d3444275/model/yolox_nano.onnx",
            "YOLOX-Nano COCO detector (Apache-2.0)"),
        new("models/coco_classes.txt", "634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84", null,
            "COCO labels for the detector"),
        new("models/silero_vad.onnx", "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3",
            "https://github.com/snakers4/silero-vad/raw/bfdc0193023f121ea5b3cc7b176dbed570a68a59/src/silero_vad/data/silero_vad.onnx",
            "Silero voice activity detector (MIT)"),
        new("models/mobilenetv2-12-int8.onnx", "83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f",
            "https://github.com/onnx/models/raw/main/validated/vision/classification/mobilenet/model/mobilenetv2-12-int8.onnx",
            "MobileNetV2 appearance embedding (Apache-2.0)"),
        new("models/efficientat_mn04_as.onnx", "2c2eae564d2c226be1eda017e320e9bd1c01e6d995efbeb319ef5249afd359ee", null,
            "EfficientAT mn04 AudioSet sound tagger with its mel front end, exported to ONNX (MIT)"),
        new("models/audioset_class_labels_indices.csv", "cdd1049833c4b86127c2773ac0d14a2754b6a6d0d1798002ed5c66e699708429", null,
            "AudioSet class labels in the tagger's output order (CC BY-SA 4.0)"),
        new("media/vtest_480x360.avi", "c766ad7c74437e27eada5596eef024d756d3e7673fc0779e8319d51e262b6153", null,
            "pedestrian plaza, the bundled default footage"),
        new("media/one-by-one-person-detection.mp4", "a5964aa259099a482a8b360ffc2c57b5a30f84d5919236a4dad01f8e929ac07c",
            "https://github.com/intel-iot-devkit/sample-videos/raw/master/one-by-one-person-detection.mp4",
            "indoor camera, people walking in (CC-BY-4.0)"),
        new("media/car-detection.mp4", "d31e0ebf194cc16e50eea784e7c3b0b1bb7976a4fb9b3fec26cb92a6704cca34",
            "https://github.com/intel-iot-devkit/sample-videos/raw/master/car-detection.mp4",
            "car-park camera (CC-BY-4.0)"),
        new("media/jfk.wav", "59dfb9a4acb36fe2a2affc14bacbee2920ff435cb13cc314a08c13f66ba7860e",
            "https://github.com/ggerganov/whisper.cpp/raw/master/samples/jfk.wav",
            "speech sample (public domain)"),
        new("media/grid_swwp2s.mpg", "3bb8cffd51399caaf0c97abcd32bcab3493b2878ffda73bd648490ea47c75cc0", null,
            "GRID corpus talking face (CC-BY-4.0)"),
        new("media/grid_swwp2s.align", "6d9772867737cf27622c07f8632d5fd51879080c310f5a89a266af2b692de733", null,
            "GRID word alignment"),
    ];

    public static AssetEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);
}
