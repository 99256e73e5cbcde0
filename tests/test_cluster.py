from copvn.detect.cluster import ImageClusterer, TextClusterer

POST = "Tuyển người mẫu nhí lương cao, các em từ 12 đến 15 tuổi nhắn tin riêng cho anh để được hướng dẫn"


def test_reposts_of_a_text_fall_in_one_cluster_whatever_their_spelling():
    texts = [POST,
             "tuyen nguoi mau nhi luong cao, cac em tu 12 den 15 tuoi nhan tin rieng cho anh de duoc huong dan",
             POST + " !!! 😍",
             "Hôm nay trời đẹp, cả lớp đi dã ngoại ở công viên và chơi trò chơi tập thể",
             "TUYỂN NGƯỜI MẪU NHÍ LƯƠNG CAO, các em từ 12 đến 15 tuổi nt riêng cho anh để đc hướng dẫn"]
    clusters = TextClusterer().cluster(texts)
    assert clusters.labels[0] == clusters.labels[1] == clusters.labels[2] == clusters.labels[4] == 0
    assert clusters.labels[3] == 3
    assert clusters.members() == {0: [0, 1, 2, 4], 3: [3]}


def test_a_new_text_is_assigned_to_an_existing_cluster_or_a_new_one():
    clusterer = TextClusterer()
    clusterer.cluster([POST, "Một bài viết hoàn toàn khác về bóng đá học đường"])
    assert clusterer.add(POST.lower()) == 0
    assert clusterer.add("Thông báo lịch nghỉ Tết của trường tiểu học") == 3


def test_images_cluster_by_pdq_distance_with_the_first_as_representative():
    a = "f" * 64
    near = "e" + "f" * 63  # one bit away
    far = "0" * 64
    clusters = ImageClusterer(threshold=31).cluster([a, far, near])
    assert clusters.labels == [0, 1, 0]
    clusterer = ImageClusterer(threshold=0)
    assert clusterer.cluster([a, near]).labels == [0, 1]
